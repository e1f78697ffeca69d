// Min over the ensemble's heads (the server's 2K-head critic): in [E, B] -> out [B], argmin [B].
// Ties go to the lowest head index, as forler.engine.Tensor#min. Java twin: forler.kernels.EnsembleMinTwin.
// Launch: grid ceil(B/256), block 256; thread b walks the E heads (reads coalesced across b).
extern "C" __global__ void ensemble_min(float* out, int* argmin, const float* in, int E, int B) {
    int b = blockIdx.x * blockDim.x + threadIdx.x;
    if (b >= B) return;
    float best = in[b];
    int arg = 0;
    for (int e = 1; e < E; e++) {
        float v = in[(long)e * B + b];
        if (v < best) { best = v; arg = e; }
    }
    out[b] = best;
    argmin[b] = arg;
}
