package dev.pgroup.core;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The package map of {@code src/site/markdown/packages.md}, checked: no package cycle, and each
 * package of pgroup-core uses only the pgroup packages listed for it there. Main code only: a test
 * may reach anywhere.
 */
@AnalyzeClasses(packages = "dev.pgroup.core", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageLayoutTest {
    private static final String API = "dev.pgroup.core";
    private static final String MODEL = "dev.pgroup.core.model";
    private static final String ORCHESTRATION = "dev.pgroup.core.internal";
    private static final String CONTAINER = "dev.pgroup.core.internal.container";
    private static final String SEED = "dev.pgroup.core.internal.seed";
    private static final String START = "dev.pgroup.core.internal.start";
    private static final String RUNIT = "dev.pgroup.core.internal.runit";
    private static final String STATE = "dev.pgroup.core.internal.state";
    private static final String DEFINITION = "dev.pgroup.core.internal.definition";
    private static final String OS = "dev.pgroup.core.internal.os";
    private static final String RUNTIME = "dev.pgroup";

    /**
     * {@code dev.pgroup.(**)}, not {@code dev.pgroup.core.(**)}: the latter leaves out the classes of
     * {@code dev.pgroup.core} itself, and with them the API's cycle with {@code internal} that this
     * rule is for.
     */
    @ArchTest
    static final ArchRule noPackageCycle =
            slices().matching("dev.pgroup.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule apiUses =
            mayUse(API, MODEL, ORCHESTRATION, CONTAINER, SEED, START, RUNIT, STATE, DEFINITION, OS, RUNTIME);

    @ArchTest
    static final ArchRule orchestrationUses =
            mayUse(ORCHESTRATION, MODEL, CONTAINER, SEED, START, RUNIT, STATE, DEFINITION, OS, RUNTIME);

    /** Seeds run a process of the definition (as its user: runit's chpst) and lease a port for it. */
    @ArchTest
    static final ArchRule seedUses = mayUse(SEED, MODEL, RUNIT, STATE, DEFINITION, OS);

    @ArchTest
    static final ArchRule containerUses = mayUse(CONTAINER, MODEL, RUNIT, DEFINITION, OS);

    @ArchTest
    static final ArchRule startUses = mayUse(START, MODEL, CONTAINER, RUNIT, DEFINITION, OS);

    @ArchTest
    static final ArchRule runitUses = mayUse(RUNIT, MODEL, DEFINITION, OS, RUNTIME);

    @ArchTest
    static final ArchRule stateUses = mayUse(STATE, MODEL, OS);

    /** A definition test needs neither runit nor a database. */
    @ArchTest
    static final ArchRule definitionUses = mayUse(DEFINITION, MODEL);

    @ArchTest
    static final ArchRule osUses = mayUse(OS, MODEL);

    /** The exceptions and values every layer hands up: the JDK and nothing else. */
    @ArchTest
    static final ArchRule modelUsesOnlyTheJdk = classes()
            .that()
            .resideInAPackage(MODEL)
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(MODEL, "java..")
            .because("packages.md: the model is the bottom layer, which every other package may use");

    @ArchTest
    static final ArchRule onlyDefinitionReadsToml = noClasses()
            .that()
            .resideOutsideOfPackage(DEFINITION)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.tomlj..")
            .because("packages.md: group.toml is read in one package");

    @ArchTest
    static final ArchRule onlyStateUsesSqlite = noClasses()
            .that()
            .resideOutsideOfPackage(STATE)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.sqlite..", "java.sql..")
            .because("packages.md: the database is used in one package");

    @ArchTest
    static final ArchRule onlyContainerReadsEngineJson = noClasses()
            .that()
            .resideOutsideOfPackage(CONTAINER)
            .should()
            .dependOnClassesThat()
            .resideInAPackage("com.google.gson..")
            .because("packages.md: the engine's JSON is read in one package");

    /** Classes of {@code pkg} use no pgroup package but {@code pkg} itself and {@code allowed}. */
    private static ArchRule mayUse(String pkg, String... allowed) {
        List<String> ok = new ArrayList<>(List.of(allowed));
        ok.add(pkg);
        return noClasses()
                .that()
                .resideInAPackage(pkg)
                .should()
                .dependOnClassesThat(
                        resideInAPackage("dev.pgroup..").and(not(resideInAnyPackage(ok.toArray(String[]::new)))))
                .because("packages.md lists what " + pkg + " may use: " + String.join(", ", allowed));
    }
}
