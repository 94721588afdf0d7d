package dev.weir.cli.up;

import java.util.List;

/**
 * The components {@code weir up} starts, in start order. Each component's issue adds its
 * own entry here once the component works end to end.
 */
final class UpComponents {
    private UpComponents() {}

    static List<UpComponent> all() {
        return List.of();
    }
}
