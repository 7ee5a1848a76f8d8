/* A plus B in C over two files, but the helper subtracts. */
long long combine(long long a, long long b);
