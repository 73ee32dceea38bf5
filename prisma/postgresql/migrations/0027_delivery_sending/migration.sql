-- AlterTable
ALTER TABLE "NotificationDelivery" ADD COLUMN     "sendingAt" TIMESTAMP(3),
ADD COLUMN     "sendingBy" TEXT;

