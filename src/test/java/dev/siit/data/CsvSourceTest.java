package dev.siit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.siit.io.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private InteractionDataset load(Path source) {
        return DatasetLoader.load(source, DatasetFormat.CSV, 0);
    }

    @Test
    void readsColumnsByNameWithQuotesTiesAndItemsFile() throws IOException {
        write("interactions.csv", """
                timestamp,rating,item,user
                20,4.5,"b,1",u1
                10,3,a,u1
                20,5,c,u1
                5,1,a,"u 2"
                """);
        write("items.csv", """
                item,title,text
                a,"Alpha, the first","says ""hi""
                over two lines"
                "b,1",Beta,
                """);
        InteractionDataset d = load(dir);
        assertEquals(List.of("u1", "u 2"), d.userIds());
        // u1 by time: a(10), then the tie at 20 in file order: "b,1" before c
        assertEquals(List.of("a", "b,1", "c"), d.itemIds());
        assertEquals(List.of(0, 1, 2), List.of(d.sequences()[0][0], d.sequences()[0][1], d.sequences()[0][2]));
        assertEquals(0, d.sequences()[1][0]);
        assertEquals("Alpha, the first", d.itemTexts().get(0).title());
        assertEquals("says \"hi\"\nover two lines", d.itemTexts().get(0).description());
        assertEquals("Beta", d.itemTexts().get(1).title());
        assertNull(d.itemTexts().get(2), "item c is not in items.csv");
        assertEquals(dir.getFileName().toString(), d.name());
    }

    @Test
    void fileSourceFindsSiblingItemsCsvAndUtf8BomIsIgnored() throws IOException {
        Path f = write("ratings.csv", "\uFEFFuser,item,timestamp\nu1,x,1\nu1,y,2\n");
        write("items.csv", "item,title\nx,Xylophone\n");
        InteractionDataset d = DatasetLoader.load(f, null, 0);
        assertEquals("ratings", d.name());
        assertEquals(2, d.numItems());
        assertEquals("Xylophone", d.itemTexts().get(0).title());
    }

    @Test
    void crlfAndCrLineEndingsAndTrailingEmptyField() throws IOException {
        write("items.csv", "item,title,text\r\na,\"A\r\nB\",\r\nb,B,x\rc,C,\"\"");
        write("interactions.csv", "user,item,timestamp\r\nu1,a,1\r\n\r\nu1,b,2\ru1,c,3");
        InteractionDataset d = load(dir);
        assertEquals(3, d.numInteractions());
        assertEquals("A\nB", d.itemTexts().get(0).title());
        assertEquals("", d.itemTexts().get(0).description());
        assertEquals("x", d.itemTexts().get(1).description());
        assertEquals("C", d.itemTexts().get(2).title());
        Path f = write("interactions.csv", "user,item,timestamp\r\nu1,a,1\r\n\r\nu1,b\r\n");
        assertEquals(f + " line 4: expected 3 fields (user,item,timestamp), found 2", error(dir));
    }

    @Test
    void strayQuotes() throws IOException {
        Path f = write("x.csv", "user,item,timestamp\nu1,a\"b,1\n");
        assertEquals(f + " line 2: malformed CSV: a quote inside an unquoted field "
                + "(quote the whole field and double the quote)", error(f));
        write("x.csv", "user,item,timestamp\nu1,\"a\"b,1\n");
        assertEquals(f + " line 2: malformed CSV: text after a closing quote", error(f));
    }

    @Test
    void fingerprintCoversFilesAndKcore() throws IOException {
        Path f = write("a.csv", "user,item,timestamp\nu1,x,1\nu1,y,2\n");
        String fp0 = DatasetLoader.load(f, null, 0).fingerprint();
        assertEquals(fp0, DatasetLoader.load(f, null, 0).fingerprint());
        assertTrue(!fp0.equals(DatasetLoader.load(f, null, 1).fingerprint()));
        write("a.csv", "user,item,timestamp\nu1,x,1\nu1,y,3\n");
        assertTrue(!fp0.equals(DatasetLoader.load(f, null, 0).fingerprint()));
    }

    private String error(Path source) {
        return assertThrows(InputException.class, () -> load(source)).getMessage();
    }

    @Test
    void badTimestampNamesFileAndLine() throws IOException {
        Path f = write("x.csv", "user,item,timestamp\nu1,a,1\n\nu1,b,yesterday\n");
        assertEquals(f + " line 4: timestamp 'yesterday' is not a whole number", error(f));
    }

    @Test
    void wrongFieldCountNamesTheLineAfterAQuotedLineBreak() throws IOException {
        Path f = write("x.csv", "user,item,timestamp\nu1,\"a\nb\",1\nu1,b\n");
        assertEquals(f + " line 4: expected 3 fields (user,item,timestamp), found 2", error(f));
    }

    @Test
    void unterminatedQuoteIsMalformedCsv() throws IOException {
        Path f = write("x.csv", "user,item,timestamp\nu1,\"a,1\n");
        assertEquals(f + " line 2: malformed CSV: a quoted field is never closed", error(f));
    }

    @Test
    void headerProblems() throws IOException {
        Path f = write("x.csv", "user,item\nu1,a\n");
        assertEquals(f + " line 1: the header has no 'timestamp' column (expected user,item,timestamp[,rating])",
                error(f));
        write("x.csv", "user,item,timestamp,mood\nu1,a,1,ok\n");
        assertEquals(f + " line 1: unknown column 'mood' in the header (expected user,item,timestamp[,rating])",
                error(f));
        write("x.csv", "");
        assertEquals(f + " is empty: expected a header row user,item,timestamp", error(f));
    }

    @Test
    void emptyFieldsAndBadRatings() throws IOException {
        Path f = write("x.csv", "user,item,timestamp,rating\nu1,a,1,5\n,a,2,5\n");
        assertEquals(f + " line 3: empty user field", error(f));
        write("x.csv", "user,item,timestamp,rating\nu1,a,1,five\n");
        assertEquals(f + " line 2: rating 'five' is not a number", error(f));
    }

    @Test
    void duplicateItemInItemsFile() throws IOException {
        write("interactions.csv", "user,item,timestamp\nu1,a,1\n");
        Path items = write("items.csv", "item,title\na,A\nb,B\na,again\n");
        assertEquals(items + " line 4: item a appears again (first at line 2)", error(dir));
    }

    @Test
    void folderWithoutInteractionsCsvAndItemsFileAsSource() throws IOException {
        Path items = write("items.csv", "item,title\na,A\n");
        assertTrue(error(dir).contains("has no interactions.csv"));
        assertTrue(error(items).contains("is the items file"));
    }

    @Test
    void latin1FileIsRejectedAsNotUtf8() throws IOException {
        Path f = dir.resolve("x.csv");
        Files.write(f, "user,item,timestamp\nu1,caf\u00e9,1\n".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(error(f).startsWith(f + " is not valid UTF-8"), error(f));
    }
}
