// Time limit exceeded: reads the input, then spins forever.
@Volatile var n = 0L

fun main() {
    readLine()!!
    while (true) n++
}
