package dev.solvent.dcdm;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * The pretrained DCDM models that ship in the {@code dev.solvent:solvent-testdata} artifact,
 * by short name. That artifact only needs to be on the class path (at run time); without it
 * {@link #load} says which dependency to add.
 *
 * <table>
 *   <caption>Models</caption>
 *   <tr><th>name</th><th>what it is</th></tr>
 *   <tr><td>{@code fluid-ml8}</td><td>the multilevel layout, 8 channels, trained on 16^3 and 32^3
 *       fluid domains with obstacles; the model of the published DCDM results</td></tr>
 *   <tr><td>{@code fluid16-c8}</td><td>the paper's one-level layout, 8 channels, trained on 16^3
 *       fluid domains</td></tr>
 * </table>
 */
public final class PretrainedModels {

    /** Where the models lie on the class path: {@code RESOURCES + "dcdm-" + name + ".json"} and {@code .safetensors}. */
    static final String RESOURCES = "dev/solvent/testdata/dcdm/";

    private static final List<String> NAMES = List.of("fluid-ml8", "fluid16-c8");

    private PretrainedModels() {
    }

    /** The short names, the default model first. */
    public static List<String> names() {
        return NAMES;
    }

    /** Whether the name is one of {@link #names()} (any case, surrounding blanks ignored). */
    public static boolean isName(String name) {
        return name != null && NAMES.contains(name.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * Loads a pretrained model by its short name.
     *
     * @throws IllegalArgumentException for an unknown name (listing the known ones), or when the
     *     model files are not on the class path (naming the artifact that carries them)
     * @throws IOException if the model files cannot be read
     */
    public static DcdmNetwork load(String name) throws IOException {
        if (!isName(name)) {
            throw new IllegalArgumentException("no pretrained DCDM model '" + name + "'; choose one of " + NAMES
                    + " or give a model file (NAME.json beside NAME.safetensors)");
        }
        String base = RESOURCES + "dcdm-" + name.strip().toLowerCase(Locale.ROOT);
        ClassLoader loader = PretrainedModels.class.getClassLoader();
        try (InputStream description = loader.getResourceAsStream(base + ".json");
             InputStream weights = loader.getResourceAsStream(base + ".safetensors")) {
            if (description == null || weights == null) {
                throw new IllegalArgumentException("pretrained DCDM model '" + name + "' is not on the class path: it ships in"
                        + " the artifact dev.solvent:solvent-testdata (add it as a runtime dependency)");
            }
            return DcdmNetwork.load(description, weights, "pretrained model " + name + " (" + base + ".json)");
        }
    }
}
