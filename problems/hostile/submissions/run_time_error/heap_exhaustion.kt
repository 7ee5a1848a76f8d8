// Memory bomb in Kotlin: the JVM heap is capped below the memory limit, so this ends in OutOfMemoryError (exit 3, RE), not MLE.
fun main() {
    val chunks = ArrayList<ByteArray>()
    while (true) chunks.add(ByteArray(16 shl 20) { 1 })
}
