// Training input for the kotlinc AppCDS archive (image build only): touches
// the language features and library classes typical judge submissions use.
import java.io.*
import java.util.*
import kotlin.math.*

data class Edge(val to: Int, val w: Long) : Comparable<Edge> {
    override fun compareTo(other: Edge): Int = w.compareTo(other.w)
}

sealed class Shape {
    abstract fun area(): Double
    class Circle(val r: Double) : Shape() { override fun area() = PI * r * r }
    object Unit : Shape() { override fun area() = 1.0 }
}

enum class Color { RED, GREEN }

inline fun <T : Comparable<T>> best(xs: List<T>, pick: (T, T) -> Boolean): T =
    xs.reduce { a, b -> if (pick(a, b)) a else b }

object Solver {
    @JvmStatic
    fun solve(n: Int): Long {
        val dp = LongArray(n + 1) { Long.MAX_VALUE }
        dp[0] = 0
        for (i in 1..n) for (j in 0 until i) dp[i] = min(dp[i], dp[j] + (i - j).toLong())
        return dp[n]
    }
}

fun main() {
    val br = BufferedReader(InputStreamReader(System.`in`))
    val line = br.readLine() ?: "1 2"
    val st = StringTokenizer(line)
    val nums = generateSequence { if (st.hasMoreTokens()) st.nextToken().toLong() else null }.toList()
    val cnt = HashMap<String, Int>()
    cnt["a"] = (cnt["a"] ?: 0) + 1
    val g = mutableMapOf<Int, MutableList<Edge>>()
    g.getOrPut(1) { mutableListOf() }.add(Edge(2, 3))
    val pq = PriorityQueue<Edge>(compareBy { it.w })
    pq.add(Edge(1, 5))
    val dq = ArrayDeque<Int>()
    dq.addLast(1)
    val xs = (1..10).map { it * it }.filter { it % 2 == 0 }.sortedDescending()
    val shape: Shape = if (xs.size > 2) Shape.Circle(1.0) else Shape.Unit
    val c = when (Color.valueOf("RED")) { Color.RED -> 1; Color.GREEN -> 2 }
    val sb = StringBuilder()
    for ((i, x) in xs.withIndex()) sb.append(i).append(':').append(x).append(' ')
    val (a, b) = Pair(nums.sum(), best(xs) { p, q -> p > q })
    println("$a $b $c ${"%.3f".format(shape.area())} ${Solver.solve(10)} ${xs.joinToString(",")} $sb ${cnt.entries.first()}")
}
