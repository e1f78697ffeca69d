// The search's per-state update (docs/design.md §Rectification, Eq. 5) and its sampling. Java twin: forler.kernels.CemUpdateTwin.
//
// cem_update: one block per state b, over the N candidates of this iteration, q [B, N], actions [B, N, A]:
//   1. one pass over the candidates: online softmax statistics of z = beta·q (running max M and sum S, merged
//      across threads as (M, S) pairs) and the best candidate (argmax q, lowest index on ties);
//   2. weights w_n = exp(z_n − M) / S;  mean x = Σ w_n a_n  (per dimension, in order n = 0..N−1);
//   3. isotropic std y = max(sqrt(Σ w_n ‖a_n − x‖²), 1e-3);
//   4. best tracking across iterations: if max q > bestQ[b], bestQ[b] and bestA[b] take that candidate;
//   5. if sampleNext: the next iteration's candidates a[n, d] = clip(x[d] + y·ε, low[d], high[d]) overwrite
//      actions[b], with ε = gaussian(seed, b, sample0 + n, d).
// cem_sample: step 5 alone from given x [B, A], y [B] (the first iteration: x0, y0).
//
// ε is a pure function of (seed, state, sample, dim): Philox4x32-10 (Salmon et al., SC'11) with counter
// (state, sample, dim, 0) and key (seed low, seed high) gives two 24-bit uniforms, turned into a normal by
// Box–Muller. log and cos are evaluated with our own polynomials from + − × ÷ sqrt and explicit fmaf only
// (the file is built with -fmad=false), all correctly rounded in IEEE float, so Java reproduces ε bit for bit.
//
// Launch: grid B, block 128 (a power of two: the tree reductions assume it);
// dynamic shared memory (N + A) floats for cem_update, none for cem_sample.

#include <math_constants.h>

#define THREADS 128

__device__ __forceinline__ uint4 philox_round(uint4 c, uint2 k) {
    const unsigned M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
    unsigned hi0 = __umulhi(M0, c.x), lo0 = M0 * c.x;
    unsigned hi1 = __umulhi(M1, c.z), lo1 = M1 * c.z;
    return make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
}

extern "C" __device__ uint4 philox4x32_10(uint4 c, uint2 k) {
    for (int i = 0; i < 10; i++) {
        if (i > 0) { k.x += 0x9E3779B9u; k.y += 0xBB67AE85u; }
        c = philox_round(c, k);
    }
    return c;
}

// ln(u) for u in (0, 1]: u = m·2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2·atanh(t), t = (m−1)/(m+1).
__device__ __forceinline__ float log_poly(float u) {
    int bits = __float_as_int(u);
    int e = ((bits >> 23) & 0xff) - 127;
    float m = __int_as_float((bits & 0x7fffff) | 0x3f800000);
    if (m > 1.41421356f) { m = m * 0.5f; e += 1; }
    float t = (m - 1.f) / (m + 1.f);
    float t2 = t * t;
    float s = fmaf(t2, 0.11111111f, 0.14285715f);
    s = fmaf(s, t2, 0.2f);
    s = fmaf(s, t2, 0.33333334f);
    s = fmaf(s, t2, 1.f);
    return fmaf((float)e, 0.6931472f, 2.f * t * s);
}

// cos(2π·v) for v in [0, 1): reduced to θ = 2π·x with x in [0, 1/4], then a Taylor polynomial to θ^14.
__device__ __forceinline__ float cos2pi_poly(float v) {
    float w = v - 0.5f;                  // cos(2πv) = −cos(2πw), w in [−1/2, 1/2)
    float x = fabsf(w);
    float sign = -1.f;
    if (x > 0.25f) { x = 0.5f - x; sign = 1.f; }   // cos(2πx) = −cos(2π(1/2 − x))
    float th = x * 6.2831855f;
    float t2 = th * th;
    float c = fmaf(t2, -1.1470746e-11f, 2.0876757e-09f);
    c = fmaf(c, t2, -2.7557319e-07f);
    c = fmaf(c, t2, 2.4801587e-05f);
    c = fmaf(c, t2, -0.0013888889f);
    c = fmaf(c, t2, 0.041666668f);
    c = fmaf(c, t2, -0.5f);
    c = fmaf(c, t2, 1.f);
    return sign * c;
}

// Standard normal ε for (seed, state, sample, dim).
extern "C" __device__ float cem_gaussian(unsigned long long seed, int state, int sample, int dim) {
    uint4 r = philox4x32_10(make_uint4((unsigned)state, (unsigned)sample, (unsigned)dim, 0u),
                            make_uint2((unsigned)seed, (unsigned)(seed >> 32)));
    float u1 = (float)((r.x >> 8) + 1u) * 5.9604645e-08f;   // (0, 1]
    float u2 = (float)(r.y >> 8) * 5.9604645e-08f;          // [0, 1)
    return sqrtf(-2.f * log_poly(u1)) * cos2pi_poly(u2);
}

// actions[b, n, d] = clip(x[d] + y·ε(seed, b, sample0 + n, d), low[d], high[d]) for this block's state b.
__device__ __forceinline__ void sample_state(float* actions, const float* x, float y, const float* low,
                                             const float* high, int b, int N, int A,
                                             unsigned long long seed, int sample0) {
    float* a = actions + (long)b * N * A;
    for (int idx = threadIdx.x; idx < N * A; idx += blockDim.x) {
        int n = idx / A, d = idx % A;
        float v = fmaf(y, cem_gaussian(seed, b, sample0 + n, d), x[d]);
        a[idx] = fminf(fmaxf(v, low[d]), high[d]);
    }
}

extern "C" __global__ void __launch_bounds__(THREADS)
cem_sample(float* actions, const float* mean, const float* stdv, const float* low, const float* high,
           int N, int A, unsigned long long seed, int sample0) {
    int b = blockIdx.x;
    sample_state(actions, mean + (long)b * A, stdv[b], low, high, b, N, A, seed, sample0);
}

extern "C" __global__ void __launch_bounds__(THREADS)
cem_update(float* actions, const float* q, float* mean, float* stdv, float* bestQ, float* bestA,
           const float* low, const float* high, int N, int A, float beta,
           unsigned long long seed, int sample0, int sampleNext) {
    extern __shared__ float sm[];
    float* w = sm;            // [N] softmax weights
    float* xs = sm + N;       // [A] weighted mean
    __shared__ float rm[THREADS], rs[THREADS], rq[THREADS];
    __shared__ int ri[THREADS];
    __shared__ int improved;
    const int b = blockIdx.x, tid = threadIdx.x;
    const float* qb = q + (long)b * N;    // [N]
    float* a = actions + (long)b * N * A; // [N, A]

    // 1. online softmax statistics and argmax, one pass per thread, then a tree merge.
    float m = -CUDART_INF_F, s = 0.f, bq = -CUDART_INF_F;
    int bi = 0x7fffffff;
    for (int n = tid; n < N; n += THREADS) {
        float qn = qb[n], z = beta * qn;
        if (z > m) { s = s * expf(m - z) + 1.f; m = z; }
        else s += expf(z - m);
        if (qn > bq) { bq = qn; bi = n; }
    }
    rm[tid] = m; rs[tid] = s; rq[tid] = bq; ri[tid] = bi;
    __syncthreads();
    for (int stride = THREADS / 2; stride > 0; stride >>= 1) {
        if (tid < stride) {
            float m1 = rm[tid], m2 = rm[tid + stride];
            if (m2 > -CUDART_INF_F) {                  // an empty partner (no candidates) changes nothing
                if (m1 == -CUDART_INF_F) { rm[tid] = m2; rs[tid] = rs[tid + stride]; }
                else {
                    float mm = fmaxf(m1, m2);
                    rs[tid] = rs[tid] * expf(m1 - mm) + rs[tid + stride] * expf(m2 - mm);
                    rm[tid] = mm;
                }
            }
            float q2 = rq[tid + stride];
            int i2 = ri[tid + stride];
            if (q2 > rq[tid] || (q2 == rq[tid] && i2 < ri[tid])) { rq[tid] = q2; ri[tid] = i2; }
        }
        __syncthreads();
    }
    const float M = rm[0], S = rs[0];
    const int best = ri[0];

    // 2. weights and weighted mean.
    for (int n = tid; n < N; n += THREADS) w[n] = expf(beta * qb[n] - M) / S;
    __syncthreads();
    for (int d = tid; d < A; d += THREADS) {
        float x = 0.f;
        for (int n = 0; n < N; n++) x = fmaf(w[n], a[n * A + d], x);
        xs[d] = x;
        mean[(long)b * A + d] = x;
    }
    __syncthreads();

    // 3. isotropic std.
    float v = 0.f;
    for (int n = tid; n < N; n += THREADS) {
        float sq = 0.f;
        for (int d = 0; d < A; d++) { float diff = a[n * A + d] - xs[d]; sq = fmaf(diff, diff, sq); }
        v = fmaf(w[n], sq, v);
    }
    __syncthreads();           // rs is reused: everyone has read S
    rs[tid] = v;
    __syncthreads();
    for (int stride = THREADS / 2; stride > 0; stride >>= 1) {
        if (tid < stride) rs[tid] += rs[tid + stride];
        __syncthreads();
    }
    const float y = fmaxf(sqrtf(rs[0]), 1e-3f);
    if (tid == 0) {
        stdv[b] = y;
        improved = rq[0] > bestQ[b];
        if (improved) bestQ[b] = rq[0];
    }
    __syncthreads();

    // 4. best candidate so far.
    if (improved)
        for (int d = tid; d < A; d += THREADS) bestA[(long)b * A + d] = a[best * A + d];
    __syncthreads();           // every read of this iteration's candidates is done

    // 5. next iteration's candidates.
    if (sampleNext) sample_state(actions, xs, y, low, high, b, N, A, seed, sample0);
}
