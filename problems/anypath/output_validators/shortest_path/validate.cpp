// Output validator of "Any Shortest Path" (Kattis output validator protocol).
//
// Invocation:   validate input_file judge_answer_file feedback_dir < team_output
// Exit status:  42 = accepted, 43 = wrong answer; anything else is a judge error
//               (the test data is broken), reported with exit status 1.
// The reason for a rejection is written to feedback_dir/judgemessage.txt.
//
// The validator does not compare with the judge's path: any shortest path is
// correct. It runs a BFS from junction 1 on the input graph and checks that the
// team's route starts at 1, ends at n, follows roads, and has exactly as many
// roads as the BFS distance. The judge answer is only used to detect broken
// test data (it must agree with the BFS on whether n is reachable, and on the
// length of the route).
//
// The team output is untrusted: every token is parsed strictly, numbers are
// bounded, and reading stops at the first token that cannot be right.
// C++17, standard library only.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <queue>
#include <sstream>
#include <string>
#include <vector>

namespace {

const int ACCEPT = 42;
const int REJECT = 43;
const int JUDGE_ERROR = 1;

std::string feedback_dir;

void write_feedback(const std::string& file, const std::string& message) {
    std::ofstream out(feedback_dir + "/" + file, std::ios::app);
    out << message << '\n';
}

[[noreturn]] void accept() {
    std::exit(ACCEPT);
}

[[noreturn]] void reject(const std::string& message) {
    write_feedback("judgemessage.txt", "wrong answer: " + message);
    std::exit(REJECT);
}

[[noreturn]] void judge_error(const std::string& message) {
    write_feedback("judgemessage.txt", "judge error: " + message);
    std::fprintf(stderr, "judge error: %s\n", message.c_str());
    std::exit(JUDGE_ERROR);
}

// Reads whitespace-separated tokens from a FILE*, byte by byte through stdio's
// buffer, without ever holding more than one (bounded) token in memory.
class TokenReader {
public:
    explicit TokenReader(std::FILE* file) : file_(file) {}

    // The next token, or false at end of input. Tokens longer than
    // MAX_TOKEN are cut short and flagged, so a huge garbage token costs no memory.
    bool next(std::string& token, bool& too_long) {
        token.clear();
        too_long = false;
        int c = std::getc(file_);
        while (c != EOF && is_space(c)) c = std::getc(file_);
        if (c == EOF) return false;
        while (c != EOF && !is_space(c)) {
            if (token.size() < MAX_TOKEN) {
                token.push_back(static_cast<char>(c));
            } else {
                too_long = true;
            }
            c = std::getc(file_);
        }
        return true;
    }

private:
    static const std::size_t MAX_TOKEN = 32;
    static bool is_space(int c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    }
    std::FILE* file_;
};

// Parses an optionally negative decimal integer of at most 18 digits.
bool parse_int(const std::string& token, long long& value) {
    std::size_t i = 0;
    bool negative = false;
    if (i < token.size() && token[i] == '-') {
        negative = true;
        i++;
    }
    if (i == token.size() || token.size() - i > 18) return false;
    long long v = 0;
    for (; i < token.size(); i++) {
        if (token[i] < '0' || token[i] > '9') return false;
        v = v * 10 + (token[i] - '0');
    }
    value = negative ? -v : v;
    return true;
}

std::string shown(const std::string& token, bool too_long) {
    return "'" + token + (too_long ? "...'" : "'");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s input_file judge_answer_file feedback_dir < team_output\n", argv[0]);
        return JUDGE_ERROR;
    }
    feedback_dir = argv[3];

    // The input is trusted (it was checked when the data was made).
    std::ifstream input(argv[1]);
    int n = 0, m = 0;
    if (!(input >> n >> m) || n < 2 || m < 0) judge_error("cannot read n and m from the input file");
    std::vector<std::vector<int>> adjacent(n + 1);
    for (int i = 0; i < m; i++) {
        int u, v;
        if (!(input >> u >> v) || u < 1 || u > n || v < 1 || v > n) judge_error("bad road in the input file");
        adjacent[u].push_back(v);
        adjacent[v].push_back(u);
    }
    for (auto& list : adjacent) std::sort(list.begin(), list.end());

    // BFS from junction 1.
    const int UNREACHED = -1;
    std::vector<int> dist(n + 1, UNREACHED);
    std::queue<int> queue;
    dist[1] = 0;
    queue.push(1);
    while (!queue.empty()) {
        int u = queue.front();
        queue.pop();
        for (int v : adjacent[u]) {
            if (dist[v] == UNREACHED) {
                dist[v] = dist[u] + 1;
                queue.push(v);
            }
        }
    }
    const bool reachable = dist[n] != UNREACHED;

    // Sanity check of the test data against the judge's answer.
    {
        std::ifstream answer(argv[2]);
        long long judge_k = 0;
        if (!(answer >> judge_k)) judge_error("cannot read the judge answer");
        if (reachable ? judge_k != dist[n] + 1 : judge_k != -1) {
            std::ostringstream message;
            message << "judge answer starts with " << judge_k << " but the BFS distance to n is "
                    << (reachable ? std::to_string(dist[n]) : std::string("infinite"));
            judge_error(message.str());
        }
    }

    TokenReader team(stdin);
    std::string token;
    bool too_long = false;
    long long k = 0;
    if (!team.next(token, too_long)) reject("empty output, expected the number of junctions or -1");
    if (too_long || !parse_int(token, k)) reject("expected the number of junctions or -1, got " + shown(token, too_long));

    if (k == -1) {
        if (reachable) {
            reject("output says junction n is unreachable, but a route with " + std::to_string(dist[n]) +
                   " roads exists");
        }
    } else {
        if (!reachable) reject("junction n is unreachable, but the output claims a route of " + std::to_string(k) + " junctions");
        if (k < 1 || k > n) reject("the number of junctions " + std::to_string(k) + " is not between 1 and n");
        if (k - 1 != dist[n]) {
            reject("the route has " + std::to_string(k - 1) + " roads, but the shortest route has " +
                   std::to_string(dist[n]));
        }
        long long previous = 0;
        for (long long i = 1; i <= k; i++) {
            if (!team.next(token, too_long)) {
                reject("output ended after " + std::to_string(i - 1) + " of " + std::to_string(k) + " junctions");
            }
            long long v = 0;
            if (too_long || !parse_int(token, v)) reject("junction " + std::to_string(i) + " is not an integer: " + shown(token, too_long));
            if (v < 1 || v > n) reject("junction " + std::to_string(i) + " is " + std::to_string(v) + ", not between 1 and n");
            if (i == 1 && v != 1) reject("the route starts at junction " + std::to_string(v) + ", not at 1");
            if (i > 1) {
                const auto& list = adjacent[previous];
                if (!std::binary_search(list.begin(), list.end(), static_cast<int>(v))) {
                    reject("no road joins junctions " + std::to_string(previous) + " and " + std::to_string(v) +
                           " (steps " + std::to_string(i - 1) + " and " + std::to_string(i) + " of the route)");
                }
            }
            if (i == k && v != n) reject("the route ends at junction " + std::to_string(v) + ", not at n = " + std::to_string(n));
            previous = v;
        }
    }

    if (team.next(token, too_long)) reject("unexpected trailing output: " + shown(token, too_long));
    accept();
}
