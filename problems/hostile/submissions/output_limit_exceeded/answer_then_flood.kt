// Output limit exceeded: prints the right answer, then writes to stdout forever.
fun main() {
    val (a, b) = readLine()!!.trim().split(Regex("\\s+")).map { it.toLong() }
    println(a + b)
    val block = "y".repeat(65535)
    while (true) println(block)
}
