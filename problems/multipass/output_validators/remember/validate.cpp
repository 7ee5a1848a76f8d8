// Multi-pass validator of "Choose and Remember" (Kattis protocol): `validate input answer
// feedback_dir < output`. Pass 1 (input `1 a b`): checks a <= c <= b, keeps c in
// feedback_dir/chosen.txt and asks for pass 2 by writing feedback_dir/nextpass.in (`2 a b`).
// Pass 2: checks c is the kept one. Exit 42 accepts, 43 rejects.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

static std::string feedback_dir;

[[noreturn]] static void verdict(int code, const std::string &message) {
    std::ofstream(feedback_dir + "/judgemessage.txt") << message << "\n";
    std::exit(code);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        std::cerr << "usage: validate input answer feedback_dir\n";
        return 1;
    }
    feedback_dir = argv[3];
    long pass = 0, a = 0, b = 0;
    std::ifstream input(argv[1]);
    if (!(input >> pass >> a >> b) || (pass != 1 && pass != 2) || a > b) {
        std::cerr << "bad test input\n";
        return 1;
    }
    long c = 0;
    std::string extra;
    if (!(std::cin >> c) || (std::cin >> extra)) {
        verdict(43, "expected exactly one integer");
    }
    if (c < a || c > b) {
        verdict(43, "out of range: " + std::to_string(c));
    }
    if (pass == 1) {
        std::ofstream(feedback_dir + "/chosen.txt") << c << "\n";
        std::ofstream(feedback_dir + "/nextpass.in") << 2 << " " << a << " " << b << "\n";
        verdict(42, "pass 1: chose " + std::to_string(c));
    }
    long kept = 0;
    std::ifstream chosen(feedback_dir + "/chosen.txt");
    if (!(chosen >> kept)) {
        std::cerr << "pass 2 without the choice of pass 1\n";
        return 1;
    }
    if (c != kept) {
        verdict(43, "pass 2 chose " + std::to_string(c) + ", pass 1 " + std::to_string(kept));
    }
    verdict(42, "the same choice twice");
}
