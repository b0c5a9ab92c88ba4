"""Names for seeded customers: the most common US first and last names, in a plain tuple.

Drawn with the seeder's own ``random.Random``, they cost a list index each, where Faker costs tens of
microseconds per name and 17 MiB of imports at start-up; 200 x 200 names are plenty for email addresses
that rarely repeat (a repeat gets a number). The lists are the most frequent entries of Faker's ``en_US``
person provider (MIT licence).
"""

FIRST_NAMES = (
    "Jennifer", "Michael", "Jessica", "David", "Lisa", "James", "Kimberly", "John", "Amanda", "Christopher",
    "Michelle", "Robert", "Elizabeth", "Matthew", "Melissa", "William", "Ashley", "Daniel", "Sarah", "Joseph",
    "Mary", "Brian", "Stephanie", "Jason", "Amy", "Joshua", "Angela", "Mark", "Nicole", "Thomas", "Heather",
    "Kevin", "Laura", "Richard", "Rebecca", "Anthony", "Karen", "Andrew", "Kelly", "Steven", "Emily", "Timothy",
    "Susan", "Jeffrey", "Rachel", "Eric", "Christina", "Ryan", "Patricia", "Charles", "Julie", "Scott",
    "Samantha", "Justin", "Megan", "Nicholas", "Cynthia", "Jonathan", "Christine", "Brandon", "Brittany",
    "Paul", "Lauren", "Kenneth", "Amber", "Jacob", "Andrea", "Gregory", "Danielle", "Stephen", "Tiffany",
    "Patrick", "Maria", "Adam", "Katherine", "Aaron", "Tammy", "Benjamin", "Sandra", "Kyle", "Linda", "Jeremy",
    "Crystal", "Tyler", "Lori", "Zachary", "Shannon", "Ronald", "Pamela", "Edward", "Brenda", "Donald", "Donna",
    "Sean", "Sara", "Jose", "Erin", "Alexander", "Deborah", "Nathan", "Victoria", "Gary", "Tina", "Samuel",
    "Jamie", "Keith", "Teresa", "Bryan", "Kathleen", "Douglas", "Nancy", "Shawn", "Dawn", "George", "Tracy",
    "Peter", "Courtney", "Todd", "Barbara", "Travis", "Jacqueline", "Jesse", "Sharon", "Chad", "Anna",
    "Bradley", "Kayla", "Austin", "Denise", "Larry", "April", "Cody", "Catherine", "Raymond", "Kristen",
    "Jordan", "Erica", "Craig", "Monica", "Dennis", "Hannah", "Frank", "Kathryn", "Juan", "Cheryl", "Jerry",
    "Debra", "Christian", "Robin", "Derek", "Wendy", "Dustin", "Taylor", "Randy", "Margaret", "Terry",
    "Vanessa", "Phillip", "Alicia", "Troy", "Allison", "Carlos", "Diana", "Jeffery", "Natalie", "Marcus",
    "Kristin", "Jared", "Leslie", "Joel", "Michele", "Shane", "Theresa", "Tony", "Holly", "Vincent", "Alexis",
    "Corey", "Melanie", "Luis", "Dana", "Antonio", "Cindy", "Alan", "Julia", "Victor", "Jill", "Dylan",
    "Alyssa", "Philip", "Valerie", "Brett", "Tara", "Rodney", "Stacy", "Curtis", "Diane", "Johnny", "Katie",
    "Alex",
)

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Wilson",
    "Martinez", "Anderson", "Taylor", "Thomas", "Hernandez", "Moore", "Martin", "Jackson", "Thompson", "White",
    "Lopez", "Lee", "Gonzalez", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Perez", "Hall", "Young",
    "Allen", "Sanchez", "Wright", "King", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Ramirez",
    "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins",
    "Edwards", "Stewart", "Flores", "Morris", "Nguyen", "Murphy", "Rivera", "Cook", "Rogers", "Morgan",
    "Peterson", "Cooper", "Reed", "Bailey", "Bell", "Gomez", "Kelly", "Howard", "Ward", "Cox", "Diaz",
    "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Reyes", "Cruz", "Hughes", "Price",
    "Myers", "Long", "Foster", "Sanders", "Ross", "Morales", "Powell", "Sullivan", "Russell", "Ortiz",
    "Jenkins", "Gutierrez", "Perry", "Butler", "Barnes", "Fisher", "Henderson", "Coleman", "Simmons",
    "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham", "Kim", "Gonzales", "Alexander", "Ramos", "Wallace",
    "Griffin", "West", "Cole", "Hayes", "Chavez", "Gibson", "Bryant", "Ellis", "Stevens", "Murray", "Ford",
    "Marshall", "Owens", "Mcdonald", "Harrison", "Ruiz", "Kennedy", "Wells", "Alvarez", "Woods", "Mendoza",
    "Castillo", "Olson", "Webb", "Washington", "Tucker", "Freeman", "Burns", "Henry", "Vasquez", "Snyder",
    "Simpson", "Crawford", "Jimenez", "Porter", "Mason", "Shaw", "Gordon", "Wagner", "Hunter", "Romero",
    "Hicks", "Dixon", "Hunt", "Palmer", "Robertson", "Black", "Holmes", "Stone", "Meyer", "Boyd", "Mills",
    "Warren", "Fox", "Rose", "Rice", "Moreno", "Schmidt", "Patel", "Ferguson", "Nichols", "Herrera", "Medina",
    "Ryan", "Fernandez", "Weaver", "Daniels", "Stephens", "Gardner", "Payne", "Kelley", "Dunn", "Pierce",
    "Arnold", "Tran", "Spencer", "Peters", "Hawkins", "Grant", "Hansen", "Castro", "Hoffman", "Hart", "Elliott",
    "Cunningham", "Knight", "Bradley",
)
