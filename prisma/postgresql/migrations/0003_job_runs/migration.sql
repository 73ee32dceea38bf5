-- CreateTable
CREATE TABLE "JobRun" (
    "name" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "holder" TEXT NOT NULL,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("name")
);

