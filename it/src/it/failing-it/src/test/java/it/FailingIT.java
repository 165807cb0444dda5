package it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.pgroup.PGroup;
import org.junit.jupiter.api.Test;

class FailingIT {

    @Test
    void failsOnPurpose() {
        fail("failing on purpose against " + PGroup.current().id());
    }
}
