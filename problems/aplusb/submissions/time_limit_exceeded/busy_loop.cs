// Time limit exceeded: reads the input, then spins forever.
using System;

public class Program {
    static volatile int n = 0;

    public static void Main() {
        Console.In.ReadToEnd();
        while (true) n++;
    }
}
