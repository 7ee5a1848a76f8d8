// Compile error: assigns a String to an Int.
fun main() {
    val x: Int = readLine()!!
    println(x)
}
