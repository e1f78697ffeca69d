package forler.kernels;

import static jcuda.driver.JCudaDriver.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The process's CUDA device: JCuda with exceptions enabled (every driver call is checked and a failure throws
 * {@code jcuda.CudaException}), device 0's primary context, and the PTX modules of this package loaded from the
 * classpath ({@code /forler/kernels/<name>.ptx}) with {@code cuModuleLoadData}. Nothing is compiled at run time.
 *
 * <p>The primary context is shared by all threads; every entry point of this package calls {@link #makeCurrent()}
 * first, so any thread may use it. Kernels launch on the default stream; a device-to-host copy waits for them.
 */
public final class Cuda {
    /** Resource folder of the PTX files (one per {@code .cu} file in {@code kernels/src/main/cuda}). */
    static final String PTX_DIR = "/forler/kernels/";
    /** Static shared memory a block may use without opting in. */
    static final int DEFAULT_SHARED_BYTES = 48 * 1024;

    private static final Object LOCK = new Object();
    private static Cuda instance;
    private static String unavailable; // why CUDA could not start, once tried and failed

    private final CUcontext context = new CUcontext();
    private final CUdevice device = new CUdevice();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final String description;
    private final int maxSharedOptIn;

    private Cuda() {
        JCudaDriver.setExceptionsEnabled(true); // loads the JCuda native library: UnsatisfiedLinkError without libcuda
        cuInit(0);
        int[] count = {0};
        cuDeviceGetCount(count);
        if (count[0] == 0) throw new IllegalStateException("the CUDA driver reports no device");
        cuDeviceGet(device, 0);
        cuDevicePrimaryCtxRetain(context, device);
        cuCtxSetCurrent(context);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        int n = 0;
        while (n < name.length && name[n] != 0) n++;
        int major = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        int minor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int[] driver = {0};
        cuDriverGetVersion(driver);
        description = new String(name, 0, n, java.nio.charset.StandardCharsets.US_ASCII) + " (sm_" + major + minor
                + ", driver CUDA " + driver[0] / 1000 + "." + driver[0] % 1000 / 10 + ")";
        maxSharedOptIn = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
    }

    /** True when a CUDA device can be used; tries once per process and never throws. */
    public static boolean available() {
        synchronized (LOCK) {
            if (instance == null && unavailable == null) {
                try {
                    instance = new Cuda();
                } catch (Throwable e) { // UnsatisfiedLinkError (no libcuda), CudaException (no device, bad driver)
                    unavailable = shortReason(e);
                }
            }
            return instance != null;
        }
    }

    /** Why {@link #available()} is false (for test skip messages and logs); null when CUDA is available. */
    public static String unavailableReason() {
        return available() ? null : "no usable CUDA device (" + unavailable + "); CUDA needs an NVIDIA GPU, its driver "
                + "(libcuda.so.1) and the JCuda natives for this platform";
    }

    /** The device, made current on the calling thread; a clear exception when there is none. */
    public static Cuda get() {
        if (!available()) throw new IllegalStateException(unavailableReason());
        instance.makeCurrent();
        return instance;
    }

    /** Makes the primary context current on the calling thread. */
    public void makeCurrent() { cuCtxSetCurrent(context); }

    /** Device name, compute capability and driver version. */
    public String description() { return description; }

    /** Waits for all launched work. */
    public void synchronize() { cuCtxSynchronize(); }

    /** Kernel {@code name} of module {@code module} ({@code module.ptx} on the classpath), loaded once. */
    public CUfunction function(String module, String name) {
        CUmodule m;
        synchronized (modules) {
            m = modules.get(module);
            if (m == null) {
                m = new CUmodule();
                cuModuleLoadData(m, ptx(module));
                modules.put(module, m);
            }
        }
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, m, name);
        return f;
    }

    /**
     * Allows {@code f} a dynamic shared memory of {@code bytes} (needed above 48 KiB), or says which shape
     * asked for more than the device has.
     */
    public void allowSharedMemory(CUfunction f, int bytes, String what) {
        if (bytes > maxSharedOptIn) {
            throw new IllegalArgumentException(what + " needs " + bytes + " bytes of shared memory per block; this device "
                    + "allows " + maxSharedOptIn + ": use a smaller width/sample count");
        }
        if (bytes > DEFAULT_SHARED_BYTES) {
            cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes);
        }
    }

    /** Launches {@code f} on the default stream; {@code args} as built by {@link #args(Object...)}. */
    public void launch(CUfunction f, int gridX, int gridY, int blockX, int blockY, int sharedBytes, Pointer args) {
        cuLaunchKernel(f, gridX, gridY, 1, blockX, blockY, 1, sharedBytes, null, args, null);
    }

    /**
     * Kernel parameters: {@link GpuBuffer} (its device pointer), {@code CUdeviceptr} (e.g. {@link GpuBuffer#at}), {@code Integer} (int), {@code Float} (float),
     * {@code Long} (unsigned long long).
     */
    public static Pointer args(Object... values) {
        Pointer[] p = new Pointer[values.length];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof GpuBuffer) p[i] = Pointer.to(((GpuBuffer) v).pointer());
            else if (v instanceof jcuda.driver.CUdeviceptr) p[i] = Pointer.to((jcuda.driver.CUdeviceptr) v);
            else if (v instanceof Integer) p[i] = Pointer.to(new int[] {(Integer) v});
            else if (v instanceof Float) p[i] = Pointer.to(new float[] {(Float) v});
            else if (v instanceof Long) p[i] = Pointer.to(new long[] {(Long) v});
            else throw new IllegalArgumentException("kernel argument " + i + " has unsupported type " + v);
        }
        return Pointer.to(p);
    }

    /** Blocks of {@code threads} covering {@code n} items. */
    public static int blocks(long n, int threads) {
        long b = (n + threads - 1) / threads;
        if (b > Integer.MAX_VALUE) throw new IllegalArgumentException("too many items for one launch: " + n);
        return (int) Math.max(b, 1);
    }

    /** The PTX text of {@code module}, null-terminated as {@code cuModuleLoadData} wants. */
    static byte[] ptx(String module) {
        String path = PTX_DIR + module + ".ptx";
        try (InputStream in = Cuda.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + path + " is missing from the classpath: rebuild the "
                        + "kernels module (kernels/build-ptx.sh writes it from kernels/src/main/cuda/" + module + ".cu)");
            }
            byte[] text = in.readAllBytes();
            byte[] z = java.util.Arrays.copyOf(text, text.length + 1);
            return z;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read PTX resource " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * One line for a failed start: JCuda's UnsatisfiedLinkError carries the stack traces of each way it tried to
     * load its library; its last nested error (e.g. "libcuda.so.1: cannot open shared object file") says why.
     */
    static String shortReason(Throwable e) {
        String msg = String.valueOf(e.getMessage()), reason = e.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse("");
        for (String line : msg.split("\n")) {
            if (line.startsWith("java.lang.")) reason = line.substring("java.lang.".length());
        }
        return reason;
    }

    private int attribute(int attr) {
        int[] v = {0};
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }
}
