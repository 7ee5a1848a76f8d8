// A plus B in Kotlin 1.3 (no readln(): use readLine()).
fun main() {
    val (a, b) = readLine()!!.trim().split(Regex("\\s+")).map { it.toLong() }
    println(a + b)
}
