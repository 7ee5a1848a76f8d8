// Compile error with about 100 MB of diagnostics: the macros expand to
// 100,000 statements that are each an error, and g++ reports every one with
// a backtrace of notes (3 million lines). The judge must cap how much
// compiler output it keeps and shows.
#define A(x) x; x; x; x; x; x; x; x; x; x;
#define B(x) A(A(x))
#define C(x) B(B(x))
#define D(x) A(C(x))

int main() {
    D(""[""])
}
