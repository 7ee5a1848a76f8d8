// A plus B in C++, in two translation units and a header.
#pragma once

long long sum(long long a, long long b);
