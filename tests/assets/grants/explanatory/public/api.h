struct api { int version; };
