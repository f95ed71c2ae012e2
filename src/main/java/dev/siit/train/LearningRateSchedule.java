package dev.siit.train;

/**
 * Linear warm-up from 0 to {@code peak} over {@code warmupSteps}, then linear or cosine decay to
 * {@code peak * minRatio} at {@code totalSteps} (or constant). Steps are 0-based optimizer steps:
 * step s uses {@code at(s)}, so the first step during warm-up gets {@code peak / warmupSteps}
 * like Hugging Face's {@code get_linear_schedule_with_warmup} evaluated at s + 1.
 */
public record LearningRateSchedule(double peak, int warmupSteps, long totalSteps, String decay, double minRatio) {

    public LearningRateSchedule {
        if (!decay.equals("linear") && !decay.equals("cosine") && !decay.equals("constant")) {
            throw new IllegalArgumentException("decay must be linear, cosine or constant, got " + decay);
        }
    }

    public static LearningRateSchedule of(TrainConfig c, long totalSteps) {
        return new LearningRateSchedule(c.learningRate(), c.warmupSteps(), totalSteps, c.schedule(), c.minLrRatio());
    }

    public double at(long step) {
        long s = step + 1;
        if (s <= warmupSteps) {
            return peak * s / warmupSteps;
        }
        if (decay.equals("constant")) {
            return peak;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (s - warmupSteps) / (double) span);
        double factor = decay.equals("linear") ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (minRatio + (1 - minRatio) * factor);
    }
}
