// Syscall measurement: a "heavier" Java program (judge-images/tests/measure-syscalls.sh).
// Deep recursion in a thread with a big stack, a thread pool, parallel streams,
// big arrays, collections; prints A+B.
import java.io.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.stream.*;

public class Heavy {
    static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(in.readLine());
        long a = Long.parseLong(st.nextToken()), b = Long.parseLong(st.nextToken());
        long t0 = System.nanoTime();
        int[] deep = new int[1];
        Thread t = new Thread(null, () -> deep[0] = depth(1_000_000), "deep", 1L << 28);
        t.start();
        t.join();
        Random rnd = new Random();
        int[] v = new int[2_000_000];
        for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(1000);
        Arrays.sort(v);
        ExecutorService ex = Executors.newFixedThreadPool(4);
        List<Future<Long>> parts = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            final int kk = k;
            parts.add(ex.submit(() -> { long s = 0; for (int i = kk; i < v.length; i += 4) s += v[i]; return s; }));
        }
        long s = 0;
        for (Future<Long> f : parts) s += f.get();
        ex.shutdown();
        long ps = IntStream.of(v).parallel().asLongStream().sum();
        Map<Integer, Integer> cnt = new HashMap<>();
        for (int x : v) cnt.merge(x, 1, Integer::sum);
        List<int[]> garbage = new ArrayList<>();
        for (int i = 0; i < 200; i++) garbage.add(new int[100_000]);
        System.gc();
        boolean ok = deep[0] == 1_000_000 && s == ps && cnt.size() <= 1000 && System.nanoTime() >= t0;
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out)));
        out.println(ok ? String.valueOf(a + b) : "bad");
        out.flush();
    }
}
