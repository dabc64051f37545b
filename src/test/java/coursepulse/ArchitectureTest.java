package coursepulse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rules of the style guide, checked on the production classes: the engine stands
 * alone, only {@code io.rabbit} touches the RabbitMQ client and only through its public API, engine
 * internals stay internal, and
 * dependencies point one way: {@code cli -> {lms, io} -> engine}.
 */
@AnalyzeClasses(packages = "coursepulse", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule engineImportsNoApplicationOrTransportCode =
      noClasses()
          .that()
          .resideInAPackage("coursepulse.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "coursepulse.io..", "coursepulse.lms..", "coursepulse.cli..", "picocli..",
              "com.rabbitmq..")
          .because("the engine is a general stream processor behind its own log port");

  @ArchTest
  static final ArchRule onlyIoRabbitUsesTheStreamClient =
      noClasses()
          .that()
          .resideOutsideOfPackage("coursepulse.io.rabbit..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.rabbitmq.stream..")
          .because("RabbitMQ is one implementation of the log port");

  @ArchTest
  static final ArchRule nothingUsesTheStreamClientsInternals =
      noClasses()
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.rabbitmq.stream.impl..")
          .because(
              "stream-client's impl package is not its API and may change in any release (issue 19)");

  @ArchTest
  static final ArchRule nothingOutsideTheEngineUsesItsInternals =
      noClasses()
          .that()
          .resideOutsideOfPackage("coursepulse.engine..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("coursepulse.engine.internal..")
          .because("engine.internal may change at any time");

  @ArchTest
  static final ArchRule dependenciesPointFromCliThroughLmsAndIoToEngine =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("cli").definedBy("coursepulse.cli..")
          .layer("lms").definedBy("coursepulse.lms..")
          .layer("io").definedBy("coursepulse.io..")
          .layer("engine").definedBy("coursepulse.engine..")
          .whereLayer("cli").mayNotBeAccessedByAnyLayer()
          .whereLayer("lms").mayOnlyBeAccessedByLayers("cli")
          .whereLayer("io").mayOnlyBeAccessedByLayers("cli")
          .whereLayer("engine").mayOnlyBeAccessedByLayers("cli", "lms", "io");
}
