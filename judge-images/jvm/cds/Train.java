// Training input for the javac AppCDS archive (image build only): touches
// the language features and library classes typical judge submissions use.
import java.io.*;
import java.math.BigInteger;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

public class Train {
    record Edge(int to, long w) implements Comparable<Edge> {
        public int compareTo(Edge o) { return Long.compare(w, o.w); }
    }

    static final class FastReader {
        private final BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        private StringTokenizer st;
        String next() throws IOException {
            while (st == null || !st.hasMoreTokens()) {
                String line = br.readLine();
                if (line == null) return null;
                st = new StringTokenizer(line);
            }
            return st.nextToken();
        }
        int nextInt() throws IOException { return Integer.parseInt(next()); }
    }

    enum Color { RED, GREEN }

    interface Shape { double area(); }

    static <T extends Comparable<T>> T max(List<T> xs) {
        return xs.stream().max(Comparator.naturalOrder()).orElseThrow();
    }

    public static void main(String[] args) throws IOException {
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        Map<String, Integer> cnt = new HashMap<>();
        TreeMap<Integer, List<Edge>> g = new TreeMap<>();
        PriorityQueue<Edge> pq = new PriorityQueue<>();
        ArrayDeque<Integer> dq = new ArrayDeque<>();
        long[] dp = new long[10];
        Arrays.fill(dp, Long.MAX_VALUE);
        List<Integer> xs = IntStream.range(0, 10).boxed().collect(Collectors.toList());
        int total = xs.stream().mapToInt(Integer::intValue).sum();
        String joined = xs.stream().map(String::valueOf).collect(Collectors.joining(" "));
        BiFunction<Integer, Integer, Integer> add = (a, b) -> a + b;
        Shape s = () -> Math.PI;
        Color c = Color.valueOf("RED");
        var res = switch (c) { case RED -> 1; case GREEN -> 2; };
        BigInteger big = BigInteger.ONE.shiftLeft(100);
        cnt.merge("a", 1, Integer::sum);
        g.computeIfAbsent(1, k -> new ArrayList<>()).add(new Edge(2, 3L));
        pq.add(new Edge(1, 5));
        dq.addLast(1);
        Collections.sort(xs, Collections.reverseOrder());
        out.printf("%d %s %d %d %s %.3f %s%n", total, joined, add.apply(1, 2), res, big, s.area(), max(xs));
        out.println(String.format("%s", Optional.of(cnt).map(Object::toString).orElse("")));
        out.flush();
    }
}
