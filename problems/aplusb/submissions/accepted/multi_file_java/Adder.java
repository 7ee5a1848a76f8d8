public class Adder {
    private final long base;

    public Adder(long base) {
        this.base = base;
    }

    public long plus(long other) {
        return base + other;
    }
}
