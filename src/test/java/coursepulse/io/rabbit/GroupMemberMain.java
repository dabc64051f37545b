package coursepulse.io.rabbit;

import coursepulse.engine.log.PartitionListener;

/**
 * A child JVM that joins a consumer group and prints {@code assigned k} / {@code revoked k} lines,
 * then waits to be killed: {@link RabbitGroups4IT} kills it with SIGKILL.
 *
 * <p>Arguments: stream URI, group, super stream.
 */
public final class GroupMemberMain {

  private GroupMemberMain() {}

  public static void main(String[] args) throws InterruptedException {
    RabbitStreamLog log = RabbitStreamLog.connect(args[0]);
    log.joinGroup(
        args[1],
        args[2],
        new PartitionListener() {
          @Override
          public void assigned(int partition) {
            System.out.println("assigned " + partition);
            System.out.flush();
          }

          @Override
          public void revoked(int partition) {
            System.out.println("revoked " + partition);
            System.out.flush();
          }
        });
    System.out.println("joined");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
