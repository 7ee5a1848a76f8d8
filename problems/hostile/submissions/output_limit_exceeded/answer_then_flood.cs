// Output limit exceeded: prints the right answer, then writes to stdout forever.
using System;

public class Program {
    public static void Main() {
        string[] parts = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine(long.Parse(parts[0]) + long.Parse(parts[1]));
        string block = new string('y', 65535);
        for (;;) Console.WriteLine(block);
    }
}
