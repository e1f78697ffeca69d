// First version of gemm.cu, kept for comparison (forler.kernels.dev.GpuBench, GPU tests); training uses gemm.cu.
// Row-major float32 C[M,N] (+)= op(A) · op(B), one thread per output element, the K products summed in order:
//   gemm_naive_nn: A [M,K], B [K,N]    gemm_naive_tn: A stored [K,M]    gemm_naive_nt: B stored [N,K]
// Java twin: forler.engine.NaiveBackend. accumulate != 0 adds into C, else C is overwritten.
// Launch: grid (ceil(N/16), ceil(M/16)), block (16,16).

template <bool TRANS_A, bool TRANS_B>
__device__ void gemm_naive(const float* A, const float* B, float* C, int M, int N, int K, int accumulate) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= M || j >= N) return;
    float s = 0.f;
    for (int p = 0; p < K; p++) {
        float a = TRANS_A ? A[(long)p * M + i] : A[(long)i * K + p];
        float b = TRANS_B ? B[(long)j * K + p] : B[(long)p * N + j];
        s += a * b;
    }
    long c = (long)i * N + j;
    C[c] = accumulate ? C[c] + s : s;
}

extern "C" __global__ void gemm_naive_nn(const float* A, const float* B, float* C, int M, int N, int K, int acc) { gemm_naive<false, false>(A, B, C, M, N, K, acc); }
extern "C" __global__ void gemm_naive_tn(const float* A, const float* B, float* C, int M, int N, int K, int acc) { gemm_naive<true, false>(A, B, C, M, N, K, acc); }
extern "C" __global__ void gemm_naive_nt(const float* A, const float* B, float* C, int M, int N, int K, int acc) { gemm_naive<false, true>(A, B, C, M, N, K, acc); }
