package dev.siit.data;

import dev.siit.io.InputException;
import java.nio.file.Path;
import java.util.List;

/** Generic CSV source: {@code user,item,timestamp[,rating]} with a header, optional items CSV. */
final class CsvSource {
    private CsvSource() {
    }

    static RawInteractions read(Path source, List<Path> inputs) {
        throw new InputException("CSV sources are not supported yet: " + source);
    }
}
