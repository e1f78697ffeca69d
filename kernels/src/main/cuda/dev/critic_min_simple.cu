// First version of critic_search.cu's critic_min, kept for comparison (forler.kernels.dev.GpuBench, GPU tests);
// training uses critic_min. Same arguments and result: out[r] = min_e Q_e(states[r / N], actions[r]), the
// weights in the layouts described in critic_search.cu. Java twin: forler.kernels.CriticSearchTwin (to ~1e-5).

#include <math_constants.h>

// One block per row; threads over hidden units; both activation vectors in shared memory.
// Launch: grid rows, block 128, dynamic shared (2·max(S+A, H) + 128) floats.
extern "C" __global__ void critic_min_simple(float* out, const float* states, const float* actions,
                                             int rows, int N, int S, int A,
                                             const float* w0, const float* b0, const float* wMid, const float* bMid,
                                             const float* wOut, const float* bOut, int E, int H, int L) {
    extern __shared__ float sm[];
    const int in = S + A, P = max(in, H), tid = threadIdx.x, T = blockDim.x;
    const int row = blockIdx.x;
    float* x = sm;              // [P]  current layer input
    float* h = sm + P;          // [P]  current layer output
    float* red = sm + 2 * P;    // [T]  partial sums of the output layer
    float qmin = CUDART_INF_F;
    for (int e = 0; e < E; e++) {
        for (int k = tid; k < in; k += T) x[k] = k < S ? states[(long)(row / N) * S + k] : actions[(long)row * A + k - S];
        __syncthreads();
        int K = in;
        for (int l = 0; l < L; l++) {
            const float* W = l == 0 ? w0 + (long)e * in * H : wMid + ((long)(l - 1) * E + e) * H * H;    // [K, H]
            const float* bias = l == 0 ? b0 + (long)e * H : bMid + ((long)(l - 1) * E + e) * H;       // [H]
            for (int j = tid; j < H; j += T) {
                float s = 0.f;
                for (int k = 0; k < K; k++) s = fmaf(x[k], W[(long)k * H + j], s);
                s += bias[j];
                h[j] = s > 0.f ? s : 0.f;
            }
            __syncthreads();
            float* t = x; x = h; h = t;   // the output becomes the next input
            K = H;
        }
        float part = 0.f;
        for (int j = tid; j < H; j += T) part = fmaf(x[j], wOut[(long)e * H + j], part);
        red[tid] = part;
        __syncthreads();
        if (tid == 0) {
            float q = 0.f;
            for (int t = 0; t < T; t++) q += red[t];
            qmin = fminf(qmin, q + bOut[e]);
        }
        __syncthreads();
    }
    if (tid == 0) out[row] = qmin;
}
