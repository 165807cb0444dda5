package dev.pgroup.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgroup.core.internal.state.PortLeases;
import dev.pgroup.core.model.PGroupException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** $PGROUP_PORT_RANGE: builds with port databases of their own lease from ranges of their own. */
class PortRangeSettingTest {

    @Test
    void theVariableGivesTheRange() {
        assertThat(EngineDefaults.portRange(Map.of("PGROUP_PORT_RANGE", "28000-30999")))
                .containsExactly(28000, 30999);
        assertThat(EngineDefaults.portRange(Map.of("PGROUP_PORT_RANGE", " 2000 - 2001 ")))
                .containsExactly(2000, 2001);
    }

    @Test
    void withoutItTheRangeEndsBelowTheKernelsEphemeralPorts() {
        assertThat(EngineDefaults.portRange(Map.of())).containsExactly(PortLeases.defaultRange());
    }

    @Test
    void aRangeThatIsNoRangeIsAnErrorThatShowsTheValue() {
        for (String bad : new String[] {"28000", "30999-28000", "80-90", "20000-70000", "a-b"}) {
            assertThatThrownBy(() -> EngineDefaults.portRange(Map.of("PGROUP_PORT_RANGE", bad)))
                    .isInstanceOf(PGroupException.class)
                    .hasMessageContaining("PGROUP_PORT_RANGE='" + bad + "'")
                    .hasMessageContaining("within 1024-65535");
        }
    }
}
