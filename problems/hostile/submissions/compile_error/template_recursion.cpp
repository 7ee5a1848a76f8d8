// Compile error: unbounded template recursion. g++ gives up at its
// instantiation depth limit (900) with a long error.
template <unsigned long N>
struct Boom {
    static constexpr unsigned long value = Boom<N + 1>::value + 1;
};

int main() {
    return static_cast<int>(Boom<0>::value);
}
