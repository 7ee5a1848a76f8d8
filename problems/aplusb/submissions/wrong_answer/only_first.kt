// Wrong answer: prints only a.
fun main() {
    val (a, _) = readLine()!!.trim().split(Regex("\\s+")).map { it.toLong() }
    println(a)
}
