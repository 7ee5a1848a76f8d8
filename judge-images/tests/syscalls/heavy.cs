// Syscall measurement: a "heavier" C# (Mono) program (judge-images/tests/measure-syscalls.sh).
// Deep recursion in a thread with a big stack, Tasks, Parallel.For, LINQ,
// Dictionary, BigInteger, GC, Stopwatch; prints A+B.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

public class Heavy
{
    static int Depth(int n) { return n == 0 ? 0 : 1 + Depth(n - 1); }

    public static void Main()
    {
        var ab = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();
        var sw = Stopwatch.StartNew();
        int deep = 0;
        var t = new Thread(() => { deep = Depth(1000000); }, 256 << 20);
        t.Start();
        t.Join();
        var rnd = new Random();
        var v = new int[2000000];
        for (int i = 0; i < v.Length; i++) v[i] = rnd.Next(1000);
        Array.Sort(v);
        var parts = Enumerable.Range(0, 4).Select(k => Task.Run(() => { long s = 0; for (int i = k; i < v.Length; i += 4) s += v[i]; return s; })).ToArray();
        Task.WaitAll(parts);
        long ps = 0;
        object lk = new object();
        Parallel.For(0, 4, k => { long s = 0; for (int i = k; i < v.Length; i += 4) s += v[i]; lock (lk) ps += s; });
        var cnt = new Dictionary<int, int>();
        foreach (var x in v) { int c; cnt.TryGetValue(x, out c); cnt[x] = c + 1; }
        var big = BigInteger.Pow(2, 1000);
        GC.Collect();
        bool ok = deep == 1000000 && parts.Sum(p => p.Result) == ps && cnt.Count <= 1000 && !big.IsZero && sw.ElapsedTicks >= 0;
        Console.WriteLine(ok ? (ab[0] + ab[1]).ToString() : "bad");
    }
}
