// Memory limit exceeded: keeps 16 MiB byte arrays, every byte written, forever.
using System.Collections.Generic;

public class Program {
    public static void Main() {
        var chunks = new List<byte[]>();
        for (;;) {
            var c = new byte[16 << 20];
            for (int i = 0; i < c.Length; i++) c[i] = 1;
            chunks.Add(c);
        }
    }
}
