// Elementwise and row-reduction ops of a FORLER device step, on row-major float32 buffers.
// Java twin: forler.kernels.ElementwiseTwin (same formulas, same order of operations).
// Launch (all but sum_rows): grid ceil(n/256), block 256, one thread per element.

// y[rows,n] = relu?(y + bias[n]), in place; relu != 0 applies the ReLU.
extern "C" __global__ void bias_relu(float* y, const float* bias, int rows, int n, int relu) {
    long idx = (long)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (long)rows * n) return;
    float v = y[idx] + bias[idx % n];
    y[idx] = (relu && v < 0.f) ? 0.f : v;
}

// dx[i] = y[i] > 0 ? dy[i] : 0, with y the ReLU output of the forward pass.
extern "C" __global__ void relu_backward(float* dx, const float* dy, const float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
}

// y[i] = tanh(x[i]).
extern "C" __global__ void tanh_forward(float* y, const float* x, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = tanhf(x[i]);
}

// dx[i] = dy[i] · (1 − y[i]²), with y = tanh(x) of the forward pass.
extern "C" __global__ void tanh_backward(float* dx, const float* dy, const float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) dx[i] = dy[i] * (1.f - y[i] * y[i]);
}

// torch.optim.Adam (no weight decay, no amsgrad), step t already counted by the caller:
//   m = b1·m + (1−b1)·g;  v = b2·v + (1−b2)·g²;  p −= (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps)
// with bc1 = 1 − b1^t and sqrtBc2 = sqrt(1 − b2^t) computed once on the host.
extern "C" __global__ void adam_update(float* p, const float* g, float* m, float* v, int n,
                                       float lr, float b1, float b2, float eps, float bc1, float sqrtBc2) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float gi = g[i];
    float mi = b1 * m[i] + (1.f - b1) * gi;
    float vi = b2 * v[i] + (1.f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float denom = sqrtf(vi) / sqrtBc2 + eps;
    p[i] = p[i] - (lr / bc1) * (mi / denom);
}

// Polyak averaging of a target network: target = (1 − tau)·target + tau·source.
extern "C" __global__ void polyak_update(float* target, const float* source, int n, float tau) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) target[i] = (1.f - tau) * target[i] + tau * source[i];
}

// Squared error and its gradient: err[i] = (pred − target)², grad[i] = scale · 2 · (pred − target)
// (scale = 1/n gives the gradient of the mean).
extern "C" __global__ void square_error(float* err, float* grad, const float* pred, const float* target, int n, float scale) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float d = pred[i] - target[i];
    err[i] = d * d;
    grad[i] = scale * 2.f * d;
}

// out[n] = Σ_r x[r, :] (the bias gradient: sum of dy over the batch rows).
// Launch: grid ceil(n/32), block (32, 8). Thread (tx, ty) sums rows ty, ty+8, ... of column tx (coalesced
// along the row); the 8 partials of a column are then added in order ty = 0..7 through shared memory.
extern "C" __global__ void sum_rows(float* out, const float* x, int rows, int n) {
    __shared__ float part[8][33];
    int col = blockIdx.x * 32 + threadIdx.x;
    float s = 0.f;
    if (col < n)
        for (int r = threadIdx.y; r < rows; r += 8) s += x[(long)r * n + col];
    part[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && col < n) {
        float t = 0.f;
        for (int k = 0; k < 8; k++) t += part[k][threadIdx.x];
        out[col] = t;
    }
}
