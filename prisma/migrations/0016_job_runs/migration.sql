-- CreateTable
CREATE TABLE "JobRun" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "startedAt" DATETIME NOT NULL,
    "holder" TEXT NOT NULL
);

