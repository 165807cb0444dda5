package dev.pgroup.junit5;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fixture classes run only inside {@link Fixtures#run}, which sets a configuration parameter;
 * found by surefire directly, they are skipped.
 */
final class OnlyInTestKit implements ExecutionCondition {
    static final String PARAMETER = "pgroup.test.fixture";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return context.getConfigurationParameter(PARAMETER).isPresent()
                ? ConditionEvaluationResult.enabled("run by the test kit")
                : ConditionEvaluationResult.disabled("a fixture, run by EngineTestKit from another test");
    }
}
