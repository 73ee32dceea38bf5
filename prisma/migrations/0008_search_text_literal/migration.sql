-- Search text stores "_" and "%" as look-alikes (U+2017, U+2030) so LIKE treats searches literally.
UPDATE "Certificate" SET "searchText" = replace(replace("searchText", '_', '‗'), '%', '‰');
