// Critic MLP forward for all E heads over rows = B·N (state, action) pairs, min over heads fused into the last
// layer: out[r] = min_e Q_e(states[r / N], actions[r]). Java twin: forler.kernels.CriticSearchTwin.
//
// Row r's input is concat(states[r / N, :S], actions[r, :A]): the state is broadcast across its N candidate
// actions by indexing, never copied. Weights (the EnsembleLinear layouts, heads stacked):
//   w0 [E, S+A, H], b0 [E, H]                    first layer
//   wMid [L-1, E, H, H], bMid [L-1, E, H]        hidden-to-hidden layers (L hidden layers in all, L >= 1)
//   wOut [E, H] (= [E, H, 1]), bOut [E]          output layer
// Hidden layers use ReLU. Built with -fmad=false: every fused multiply-add is an explicit fmaf, so the Java twin
// (Math.fma in the same order) reproduces the tuned kernel's arithmetic. The first version, one block per row, is
// dev/critic_min_simple.cu (a baseline for GpuBench, not used by training).

#include <math_constants.h>

// ------------------------------------------------------------------------------------------------------ critic_min
// A block evaluates ROWS = 16 rows through every head. Activations stay in shared memory (row strides padded
// to odd lengths); each layer is a [16, K] x [K, H] product in which the weight matrix is tiled over K in slices
// of KT rows x 256 hidden columns through shared memory, and each thread keeps a 4 rows x 4 columns register
// block (rows 4·ry.., columns cx + 64·c): a weight read from global memory serves the block's 16 rows.
// The output layer (H -> 1) splits each row's dot product over 16 threads (stride 16), adds the 16 partials
// in order, adds the bias and folds it into a running min over heads held by thread r of row r.
// Launch: grid ceil(rows/16), block 256, dynamic shared floats =
//   16·Px + 2·16·Ph + KT·256 + 16·16, with Px = (S+A)|1 and Ph = H|1.
#define ROWS 16
#define THREADS 256
#define KT 8
#define COLS 256

// out_sh[r, :H] = relu(in_sh[r, :K] · W[K, H] + bias), for the block's 16 rows.
__device__ __forceinline__ void dense_relu(const float* in_sh, int Pin, int K, float* out_sh, int Pout, int H,
                                           const float* W, const float* bias, float* Ws) {
    const int tid = threadIdx.x, ry = tid / 64, cx = tid % 64;
    for (int j0 = 0; j0 < H; j0 += COLS) {
        float acc[4][4] = {{0.f}};
        for (int k0 = 0; k0 < K; k0 += KT) {
            const int kn = min(KT, K - k0);
            for (int t = tid; t < KT * COLS; t += THREADS) {          // Ws[kk, jj] = W[k0+kk, j0+jj]
                int kk = t / COLS, j = j0 + t % COLS;
                Ws[t] = (kk < kn && j < H) ? W[(long)(k0 + kk) * H + j] : 0.f;
            }
            __syncthreads();
            for (int kk = 0; kk < kn; kk++) {
                float a[4], w[4];
#pragma unroll
                for (int r = 0; r < 4; r++) a[r] = in_sh[(ry * 4 + r) * Pin + k0 + kk];
#pragma unroll
                for (int c = 0; c < 4; c++) w[c] = Ws[kk * COLS + cx + 64 * c];
#pragma unroll
                for (int r = 0; r < 4; r++)
#pragma unroll
                    for (int c = 0; c < 4; c++) acc[r][c] = fmaf(a[r], w[c], acc[r][c]);
            }
            __syncthreads();
        }
#pragma unroll
        for (int c = 0; c < 4; c++) {
            int j = j0 + cx + 64 * c;
            if (j >= H) continue;
            float bj = bias[j];
#pragma unroll
            for (int r = 0; r < 4; r++) {
                float v = acc[r][c] + bj;
                out_sh[(ry * 4 + r) * Pout + j] = v > 0.f ? v : 0.f;
            }
        }
    }
    __syncthreads();
}

extern "C" __global__ void __launch_bounds__(THREADS)
critic_min(float* out, const float* states, const float* actions, int rows, int N, int S, int A,
           const float* w0, const float* b0, const float* wMid, const float* bMid,
           const float* wOut, const float* bOut, int E, int H, int L) {
    extern __shared__ float sm[];
    const int in = S + A, Px = in | 1, Ph = H | 1, tid = threadIdx.x;
    const int row0 = blockIdx.x * ROWS;
    float* X = sm;                        // [16, Px] inputs
    float* H1 = X + ROWS * Px;            // [16, Ph] hidden activations (ping)
    float* H2 = H1 + ROWS * Ph;           // [16, Ph] hidden activations (pong)
    float* Ws = H2 + ROWS * Ph;           // [KT, 256] weight slice
    float* red = Ws + KT * COLS;          // [16, 16] output-layer partials

    for (int t = tid; t < ROWS * in; t += THREADS) {   // rows past the end are zeros (finite, never written out)
        int r = t / in, k = t % in, g = row0 + r;
        float v = 0.f;
        if (g < rows) v = k < S ? states[(long)(g / N) * S + k] : actions[(long)g * A + k - S];
        X[r * Px + k] = v;
    }
    __syncthreads();

    float qmin = CUDART_INF_F;                // thread r < 16: the running min of row r
    const int r = tid / 16, p = tid % 16;     // output layer: row r, partial p
    for (int e = 0; e < E; e++) {
        dense_relu(X, Px, in, H1, Ph, H, w0 + (long)e * in * H, b0 + (long)e * H, Ws);
        float* cur = H1;
        float* nxt = H2;
        for (int l = 1; l < L; l++) {
            dense_relu(cur, Ph, H, nxt, Ph, H, wMid + ((long)(l - 1) * E + e) * H * H, bMid + ((long)(l - 1) * E + e) * H, Ws);
            float* t = cur; cur = nxt; nxt = t;
        }
        float part = 0.f;
        for (int j = p; j < H; j += 16) part = fmaf(cur[r * Ph + j], wOut[(long)e * H + j], part);
        red[r * 16 + p] = part;
        __syncthreads();
        if (tid < ROWS) {
            float q = 0.f;
            for (int k = 0; k < 16; k++) q += red[tid * 16 + k];
            qmin = fminf(qmin, q + bOut[e]);
        }
        // The next head's first barrier (inside dense_relu) orders these reads before red is rewritten.
    }
    if (tid < ROWS && row0 + tid < rows) out[row0 + tid] = qmin;
}
