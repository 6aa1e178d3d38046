package io.enrollflow;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages' layers, read from the compiled classes (test classes left out). From the bottom:
 * <ol>
 *   <li>base: {@code util}, {@code config}, {@code logging}, {@code redis}, {@code tracing};</li>
 *   <li>model and stores: {@code task}, {@code status}, {@code queue}, {@code deadletter};</li>
 *   <li>the steps' work: {@code enroll}, {@code download}, {@code delivery} (and its {@code drive} and
 *       {@code folder}), {@code limit}, {@code retry}, {@code callback};</li>
 *   <li>{@code pipeline}: the Camel processors the routes call;</li>
 *   <li>operating: {@code management}, {@code console};</li>
 *   <li>top: {@code runtime}, {@code demo}, {@code cli} and the main class.</li>
 * </ol>
 * A class may use its own layer and those below it; within a layer, no two packages use each other (no cycles).
 */
class PackageLayersTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.enrollflow");

    private static final String[] MODEL = {"io.enrollflow.task..", "io.enrollflow.status..", "io.enrollflow.queue..",
            "io.enrollflow.deadletter.."};

    @Test
    void noTopLevelPackageDependsOnAPackageThatDependsOnItBack() {
        slices().matching("io.enrollflow.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void noSubPackageDependsOnAPackageThatDependsOnItBack() {
        slices().matching("io.enrollflow.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void eachLayerUsesOnlyItselfAndTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Base").definedBy("io.enrollflow.util..", "io.enrollflow.config..", "io.enrollflow.logging..",
                        "io.enrollflow.redis..", "io.enrollflow.tracing..")
                .layer("Model").definedBy(MODEL)
                .layer("Steps").definedBy("io.enrollflow.enroll..", "io.enrollflow.download..",
                        "io.enrollflow.delivery..", "io.enrollflow.limit..", "io.enrollflow.retry..",
                        "io.enrollflow.callback..")
                .layer("Pipeline").definedBy("io.enrollflow.pipeline..")
                .layer("Operating").definedBy("io.enrollflow.management..", "io.enrollflow.console..")
                .layer("Top").definedBy("io.enrollflow", "io.enrollflow.runtime..", "io.enrollflow.demo..",
                        "io.enrollflow.cli..")
                .whereLayer("Top").mayNotBeAccessedByAnyLayer()
                .whereLayer("Operating").mayOnlyBeAccessedByLayers("Top")
                .whereLayer("Pipeline").mayOnlyBeAccessedByLayers("Top")
                .whereLayer("Steps").mayOnlyBeAccessedByLayers("Pipeline", "Operating", "Top")
                .whereLayer("Model").mayOnlyBeAccessedByLayers("Steps", "Pipeline", "Operating", "Top")
                .check(CLASSES);
    }

    @Test
    void theManagementServerMountsTheConsoleWithoutNamingItsClasses() {
        noClasses().that().resideInAPackage("io.enrollflow.management..")
                .should().dependOnClassesThat().resideInAPackage("io.enrollflow.console..")
                .check(CLASSES);
    }

    @Test
    void theModelAndItsStoresUseNothingThatRunsOrOperatesThem() {
        noClasses().that().resideInAnyPackage(MODEL)
                .should().dependOnClassesThat().resideInAnyPackage("io.enrollflow.pipeline..",
                        "io.enrollflow.management..", "io.enrollflow.console..", "io.enrollflow.cli..",
                        "io.enrollflow.runtime..", "io.enrollflow.demo..")
                .check(CLASSES);
    }

    @Test
    void theTaskStatusAndDeadLetterModelsHoldNoCamelProcessor() {
        noClasses().that().resideInAnyPackage("io.enrollflow.task..", "io.enrollflow.status..",
                        "io.enrollflow.deadletter..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.camel..")
                .check(CLASSES);
    }
}
