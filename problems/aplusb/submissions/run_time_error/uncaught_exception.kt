// Run-time error: throws an uncaught exception after reading the input.
fun main() {
    readLine()!!
    throw IllegalStateException("deliberate failure")
}
