// Interactive validator of "Guess the Number" (Kattis protocol): run as
// `validate input answer feedback_dir`, with the submission's output on stdin and the
// submission's input on stdout. Exit 42 accepts, 43 rejects (reason in judgemessage.txt).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

static const int MAX_GUESSES = 30;
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
    // A program that ends early closes the pipe: the reply is lost, and the next read ends.
    std::signal(SIGPIPE, SIG_IGN);
    long n = 0, secret = 0;
    std::ifstream input(argv[1]);
    if (!(input >> n >> secret) || n < 1 || secret < 1 || secret > n) {
        std::cerr << "bad test input\n";
        return 1;
    }
    std::cout << n << std::endl;
    std::string line;
    for (int guesses = 1;; guesses++) {
        if (!std::getline(std::cin, line)) {
            verdict(43, "the program ended without finding the number");
        }
        std::istringstream words(line);
        std::string mark, rest;
        long guess = 0;
        if (!(words >> mark >> guess) || mark != "?" || (words >> rest)) {
            verdict(43, "malformed guess: " + line.substr(0, 100));
        }
        if (guess < 1 || guess > n) {
            verdict(43, "guess out of range: " + std::to_string(guess));
        }
        if (guesses > MAX_GUESSES) {
            verdict(43, "more than " + std::to_string(MAX_GUESSES) + " guesses");
        }
        if (guess == secret) {
            std::cout << "=" << std::endl;
            verdict(42, "found in " + std::to_string(guesses) + " guesses");
        }
        std::cout << (secret < guess ? "<" : ">") << std::endl;
    }
}
