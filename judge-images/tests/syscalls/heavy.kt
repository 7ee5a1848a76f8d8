// Syscall measurement: a "heavier" Kotlin 1.3 program (judge-images/tests/measure-syscalls.sh).
// Deep recursion in a thread with a big stack, a thread pool, collections; prints A+B.
import java.util.concurrent.Executors
import kotlin.concurrent.thread

fun depth(n: Int): Int = if (n == 0) 0 else 1 + depth(n - 1)

fun main() {
    val (a, b) = readLine()!!.trim().split(" ").map { it.toLong() }
    var deep = 0
    val t = Thread(null, { deep = depth(1_000_000) }, "deep", 1L shl 28)
    t.start()
    t.join()
    val v = IntArray(2_000_000) { (it % 1000) * 7919 % 1000 }
    v.sort()
    val ex = Executors.newFixedThreadPool(4)
    val parts = (0 until 4).map { k -> ex.submit<Long> { var s = 0L; var i = k; while (i < v.size) { s += v[i]; i += 4 }; s } }
    val s = parts.map { it.get() }.sum()
    ex.shutdown()
    var other = 0L
    thread { other = v.fold(0L) { acc, x -> acc + x } }.join()
    val cnt = v.groupBy { it }.mapValues { it.value.size }
    val ok = deep == 1_000_000 && s == other && cnt.size <= 1000
    println(if (ok) (a + b).toString() else "bad")
}
