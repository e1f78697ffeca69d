// Row-major float32 GEMMs for CudaBackend: C[M,N] (+)= op(A) · op(B).
//   gemm_nn: A [M,K], B [K,N]        gemm_tn: A stored [K,M] (Aᵀ·B)        gemm_nt: B stored [N,K] (A·Bᵀ)
// Java twin: forler.engine.NaiveBackend (mult, multTransA, multTransB).
//
// gemm_*: 64x64 output tile per block of 256 threads (16x16), K consumed in slices of 16 through shared
//         memory, each thread holding a 4x4 register block (rows ty+16i, columns tx+16j: conflict-free
//         shared reads and coalesced stores). Launch: grid (ceil(N/64), ceil(M/64)), block 256.
// accumulate != 0 adds into C, else C is overwritten. The first version, one thread per output element, is
// dev/gemm_naive.cu (a baseline for GpuBench, not used by training).

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define THREADS 256

// Element (i,p) of op(A) and (p,j) of op(B), by the storage layout the template says.
template <bool TRANS_A>
__device__ __forceinline__ float loadA(const float* A, int M, int K, int i, int p) {
    return TRANS_A ? A[(long)p * M + i] : A[(long)i * K + p];
}
template <bool TRANS_B>
__device__ __forceinline__ float loadB(const float* B, int N, int K, int p, int j) {
    return TRANS_B ? B[(long)j * K + p] : B[(long)p * N + j];
}

template <bool TRANS_A, bool TRANS_B>
__device__ void gemm_tiled(const float* A, const float* B, float* C, int M, int N, int K, int accumulate) {
    __shared__ float As[TILE_K][TILE_M];     // As[p][i]: A tile, transposed so a k-step reads one row
    __shared__ float Bs[TILE_K][TILE_N];     // Bs[p][j]
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int i0 = blockIdx.y * TILE_M, j0 = blockIdx.x * TILE_N;
    float acc[4][4] = {{0.f}};

    for (int p0 = 0; p0 < K; p0 += TILE_K) {
        // Cooperative loads, 4 elements per thread each; the fast thread index runs along the stored row.
        for (int t = tid; t < TILE_M * TILE_K; t += THREADS) {
            int i = TRANS_A ? t % TILE_M : t / TILE_K;
            int p = TRANS_A ? t / TILE_M : t % TILE_K;
            int gi = i0 + i, gp = p0 + p;
            As[p][i] = (gi < M && gp < K) ? loadA<TRANS_A>(A, M, K, gi, gp) : 0.f;
        }
        for (int t = tid; t < TILE_N * TILE_K; t += THREADS) {
            int j = TRANS_B ? t / TILE_K : t % TILE_N;
            int p = TRANS_B ? t % TILE_K : t / TILE_N;
            int gj = j0 + j, gp = p0 + p;
            Bs[p][j] = (gj < N && gp < K) ? loadB<TRANS_B>(B, N, K, gp, gj) : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < TILE_K; p++) {
            float a[4], b[4];
#pragma unroll
            for (int r = 0; r < 4; r++) a[r] = As[p][ty + 16 * r];
#pragma unroll
            for (int c = 0; c < 4; c++) b[c] = Bs[p][tx + 16 * c];
#pragma unroll
            for (int r = 0; r < 4; r++)
#pragma unroll
                for (int c = 0; c < 4; c++) acc[r][c] = fmaf(a[r], b[c], acc[r][c]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
        int i = i0 + ty + 16 * r;
        if (i >= M) continue;
#pragma unroll
        for (int c = 0; c < 4; c++) {
            int j = j0 + tx + 16 * c;
            if (j >= N) continue;
            long o = (long)i * N + j;
            C[o] = accumulate ? C[o] + acc[r][c] : acc[r][c];
        }
    }
}

// Grid (ceil(N/64), ceil(M/64)), block 256.
extern "C" __global__ void __launch_bounds__(THREADS) gemm_nn(const float* A, const float* B, float* C, int M, int N, int K, int acc) { gemm_tiled<false, false>(A, B, C, M, N, K, acc); }
extern "C" __global__ void __launch_bounds__(THREADS) gemm_tn(const float* A, const float* B, float* C, int M, int N, int K, int acc) { gemm_tiled<true, false>(A, B, C, M, N, K, acc); }
extern "C" __global__ void __launch_bounds__(THREADS) gemm_nt(const float* A, const float* B, float* C, int M, int N, int K, int acc) { gemm_tiled<false, true>(A, B, C, M, N, K, acc); }
