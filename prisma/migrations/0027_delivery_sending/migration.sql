-- AlterTable
ALTER TABLE "NotificationDelivery" ADD COLUMN "sendingAt" DATETIME;
ALTER TABLE "NotificationDelivery" ADD COLUMN "sendingBy" TEXT;

