package dev.solvent.examples.smoke;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * An animated GIF through the JDK's own ImageIO GIF writer: each frame carries a graphic control
 * extension (delay, no transparency), and the first the NETSCAPE2.0 application extension that
 * makes viewers loop forever.
 */
final class GifWriter implements AutoCloseable {

    private final ImageWriter writer;
    private final ImageOutputStream out;
    private final int delayCentiseconds;
    private boolean first = true;

    GifWriter(Path file, int delayCentiseconds) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
        if (!writers.hasNext()) {
            throw new IOException("this JDK has no GIF writer");
        }
        this.writer = writers.next();
        Files.deleteIfExists(file);
        this.out = ImageIO.createImageOutputStream(file.toFile());
        if (out == null) {
            throw new IOException("cannot open " + file + " for writing");
        }
        this.delayCentiseconds = delayCentiseconds;
        writer.setOutput(out);
        writer.prepareWriteSequence(null);
    }

    void add(BufferedImage frame) throws IOException {
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCentiseconds));
        gce.setAttribute("transparentColorIndex", "0");
        if (first) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            app.setUserObject(new byte[] {1, 0, 0}); // sub-block 1: loop count 0 = forever
            apps.appendChild(app);
            first = false;
        }
        try {
            meta.setFromTree(format, root);
        } catch (IIOInvalidTreeException e) {
            throw new IOException("GIF metadata rejected: " + e.getMessage(), e);
        }
        writer.writeToSequence(new IIOImage(frame, null, meta), param);
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }

    @Override
    public void close() throws IOException {
        try {
            writer.endWriteSequence();
        } finally {
            writer.dispose();
            out.close();
        }
    }
}
