package forler.kernels;

import static jcuda.driver.JCudaDriver.*;

import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUdeviceptr;

/**
 * A device array of 4-byte elements (float or int) that grows when asked for more and is otherwise reused:
 * hot loops ensure a capacity once per shape and allocate nothing after that.
 */
public final class GpuBuffer implements AutoCloseable {
    private final CUdeviceptr ptr = new CUdeviceptr();
    private long capacity; // elements
    private boolean allocated;

    /** An empty buffer; {@link #ensure(long)} allocates. */
    public GpuBuffer() {}

    /** A buffer of {@code n} elements. */
    public GpuBuffer(long n) { ensure(n); }

    /** A buffer holding a copy of {@code data}. */
    public static GpuBuffer of(float[] data) {
        GpuBuffer b = new GpuBuffer(data.length);
        b.upload(data, 0, data.length);
        return b;
    }

    /** Makes room for {@code n} elements (the old contents are lost when it grows). */
    public GpuBuffer ensure(long n) {
        if (n <= capacity && allocated) return this;
        free();
        long c = Math.max(n, 1);
        cuMemAlloc(ptr, c * Sizeof.FLOAT);
        capacity = c;
        allocated = true;
        return this;
    }

    /** Capacity in elements. */
    public long capacity() { return capacity; }

    CUdeviceptr pointer() { return ptr; }

    /** The device address of element {@code i} (a kernel argument into part of this buffer). */
    CUdeviceptr at(long i) {
        if (i < 0 || i > capacity) throw new IllegalArgumentException("element " + i + " outside a buffer of " + capacity);
        return ptr.withByteOffset(i * Sizeof.FLOAT);
    }

    /** Copies {@code src[off, off+len)} to the start of this buffer, growing it when needed. */
    public void upload(float[] src, int off, int len) {
        checkRange(src.length, off, len);
        ensure(len);
        if (len > 0) cuMemcpyHtoD(ptr, Pointer.to(src).withByteOffset((long) off * Sizeof.FLOAT), (long) len * Sizeof.FLOAT);
    }

    /** Copies the first {@code len} elements to {@code dst[off, off+len)}. */
    public void download(float[] dst, int off, int len) {
        checkRange(dst.length, off, len);
        if (len > capacity) throw new IllegalArgumentException("download of " + len + " elements from a buffer of " + capacity);
        if (len > 0) cuMemcpyDtoH(Pointer.to(dst).withByteOffset((long) off * Sizeof.FLOAT), ptr, (long) len * Sizeof.FLOAT);
    }

    /** The first {@code len} elements as a new array. */
    public float[] download(int len) {
        float[] r = new float[len];
        download(r, 0, len);
        return r;
    }

    /** The first {@code len} elements read as ints (for index outputs). */
    public int[] downloadInts(int len) {
        if (len > capacity) throw new IllegalArgumentException("download of " + len + " elements from a buffer of " + capacity);
        int[] r = new int[len];
        if (len > 0) cuMemcpyDtoH(Pointer.to(r), ptr, (long) len * Sizeof.INT);
        return r;
    }

    /** Sets the first {@code n} elements to {@code value}. */
    public void fill(long n, float value) {
        if (n > capacity) throw new IllegalArgumentException("fill of " + n + " elements in a buffer of " + capacity);
        if (n > 0) cuMemsetD32(ptr, Float.floatToRawIntBits(value), n);
    }

    @Override public void close() { free(); }

    private void free() {
        if (allocated) {
            cuMemFree(ptr);
            allocated = false;
            capacity = 0;
        }
    }

    private static void checkRange(int length, int off, int len) {
        if (off < 0 || len < 0 || (long) off + len > length) {
            throw new IllegalArgumentException("range [" + off + ", " + ((long) off + len) + ") outside an array of " + length);
        }
    }
}
