-- CreateTable
CREATE TABLE "DashboardTls" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "certificateId" TEXT,
    "updatedAt" DATETIME NOT NULL
);

