package dev.siit.ids;

import java.nio.file.Path;

/** Import: identifiers from an {@code .index.json} made elsewhere (e.g. LETTER's released files). */
public final class ImportedIndexer implements ItemIndexer {
    private final Path file;
    private final IndexFile.TokenKind kind;

    public ImportedIndexer(Path file, IndexFile.TokenKind kind) {
        this.file = file;
        this.kind = kind;
    }

    @Override
    public String method() {
        return "import";
    }

    @Override
    public IndexedItems index(TrainingItems items, long seed) {
        return new IndexedItems(IndexFile.read(file, items.datasetName(), items.itemIds(), kind));
    }
}
