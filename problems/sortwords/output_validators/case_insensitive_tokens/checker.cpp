// Checker of "Sort the Words", following the testlib checker convention
// (Codeforces / Polygon style) but written without testlib.h.
//
// Protocol (what a testlib checker does):
//   Invocation:  checker <input_file> <team_output_file> <judge_answer_file>
//                Note the order: the team's output comes BEFORE the judge's
//                answer (unlike the Kattis protocol, where the team output
//                arrives on stdin and the answer is the second argument).
//   Exit status: 0 = OK (accepted)
//                1 = WA (wrong answer)
//                2 = PE (presentation error; CodeRank judges it as WA)
//                3 = FAIL (the checker or the test data is broken: judge error)
//   A one-line explanation goes to stderr, starting with "ok", "wrong answer",
//   "wrong output format" or "FAIL", as testlib's quitf() writes it.
// The judge knows to use this convention because the directory holds an empty
// marker file named `testlib-protocol` next to this source.
//
// What is checked: the team output must hold exactly n whitespace-separated
// tokens (n from the input file), else PE; token i must equal the judge's
// token i ignoring ASCII letter case, else WA. Words equal but for case may
// appear in any order among themselves, and that still compares equal token
// by token, since they are equal ignoring case.
// C++17, standard library only.

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

enum Result { OK = 0, WA = 1, PE = 2, FAIL = 3 };

[[noreturn]] void quit(Result result, const std::string& message) {
    const char* prefix = result == OK   ? "ok "
                         : result == WA ? "wrong answer "
                         : result == PE ? "wrong output format "
                                        : "FAIL ";
    std::fprintf(stderr, "%s%s\n", prefix, message.c_str());
    std::exit(result);
}

const std::size_t MAX_TOKEN = 64;  // words have at most 20 letters

// Reads whitespace-separated tokens, keeping at most MAX_TOKEN bytes of each
// (longer ones are marked with a trailing "...", which no word contains).
bool next_token(std::FILE* file, std::string& token) {
    token.clear();
    int c = std::getc(file);
    while (c != EOF && std::isspace(static_cast<unsigned char>(c))) c = std::getc(file);
    if (c == EOF) return false;
    bool cut = false;
    while (c != EOF && !std::isspace(static_cast<unsigned char>(c))) {
        if (token.size() < MAX_TOKEN) {
            token.push_back(static_cast<char>(c));
        } else {
            cut = true;
        }
        c = std::getc(file);
    }
    if (cut) token += "...";
    return true;
}

bool equal_ignoring_case(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); i++) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
}

std::FILE* open_or_fail(const char* path) {
    std::FILE* file = std::fopen(path, "rb");
    if (file == nullptr) quit(FAIL, std::string("cannot open ") + path);
    return file;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) quit(FAIL, "usage: checker <input_file> <team_output_file> <judge_answer_file>");
    std::FILE* input = open_or_fail(argv[1]);
    std::FILE* output = open_or_fail(argv[2]);
    std::FILE* answer = open_or_fail(argv[3]);

    std::string token;
    if (!next_token(input, token)) quit(FAIL, "input file is empty");
    const long n = std::strtol(token.c_str(), nullptr, 10);
    if (n < 1 || n > 1000000) quit(FAIL, "bad n in input file: " + token);

    std::vector<std::string> expected;
    expected.reserve(static_cast<std::size_t>(n));
    while (next_token(answer, token)) expected.push_back(token);
    if (static_cast<long>(expected.size()) != n) {
        quit(FAIL, "judge answer has " + std::to_string(expected.size()) + " words, the input " + std::to_string(n));
    }

    // Read at most n + 1 tokens: one extra is enough to know there are too many.
    std::vector<std::string> got;
    got.reserve(static_cast<std::size_t>(n) + 1);
    while (static_cast<long>(got.size()) <= n && next_token(output, token)) got.push_back(token);
    if (static_cast<long>(got.size()) < n) {
        quit(PE, "expected " + std::to_string(n) + " words, found only " + std::to_string(got.size()));
    }
    if (static_cast<long>(got.size()) > n) {
        quit(PE, "expected " + std::to_string(n) + " words, found more (word " + std::to_string(n + 1) + " is '" +
                     got.back() + "')");
    }

    for (long i = 0; i < n; i++) {
        if (!equal_ignoring_case(got[i], expected[i])) {
            quit(WA, "word " + std::to_string(i + 1) + ": expected '" + expected[i] + "', found '" + got[i] + "'");
        }
    }
    quit(OK, std::to_string(n) + " words in order");
}
