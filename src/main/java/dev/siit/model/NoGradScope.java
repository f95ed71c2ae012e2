package dev.siit.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off on the calling thread until closed, then restores it.
 *
 * <p>PyTorch keeps grad mode per thread, enabled by default; DJL turns it off only on the thread
 * that first loads the engine. Any other thread (a server's batching worker, a test's helper)
 * would otherwise record a backward graph for every inference op, since the parameters require
 * gradients, and keep the saved activations alive until the step's arrays are closed.
 */
public final class NoGradScope implements AutoCloseable {
    private final boolean previous; // recording was on: turn it back on at close

    public NoGradScope() {
        previous = "PyTorch".equals(Engine.getInstance().getEngineName()) && JniUtils.isGradMode();
        if (previous) {
            JniUtils.setGradMode(false);
        }
    }

    @Override
    public void close() {
        if (previous) {
            JniUtils.setGradMode(true);
        }
    }
}
